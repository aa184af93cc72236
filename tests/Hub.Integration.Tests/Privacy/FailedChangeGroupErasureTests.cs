using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hub.Integration.Tests.FailedMessages;
using Hub.Integration.Tests.Hosting;
using Microsoft.Data.Sqlite;
using static Hub.Integration.Tests.Connectors.Salesforce.SalesforceHub;

namespace Hub.Integration.Tests.Privacy;

/// <summary>
/// The outbox relay publishes customer changes in groups, so a failed message can hold several people's changes.
/// Erasing one of them takes only that person's change out of the failed group: the others can still be replayed.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class FailedChangeGroupErasureTests : IAsyncLifetime
{
    private readonly UnallowedTargetScenario _scenario = new();
    private EmbeddedHub _hub = null!;

    public async Task InitializeAsync() => _hub = await EmbeddedHub.StartAsync(_scenario.TargetSettings);

    [Fact]
    public async Task Erasure_takes_the_persons_change_out_of_a_failed_group_and_the_rest_is_replayed()
    {
        await UnallowedTargetScenario.SendCustomerAsync(_hub.Sender, 1);
        await UnallowedTargetScenario.WaitForOneFailedAsync(_hub.Hub.Client);
        await UnallowedTargetScenario.SendCustomerAsync(_hub.Sender, 2);
        await EventuallyAsync(async () => (await UnallowedTargetScenario.FailedAsync(_hub.Hub.Client)).Count == 2, "the second person's change failed too");
        var groupId = await JoinFailedGroupsAsync();
        var erased = await CustomerIdAsync("person1@example.com");
        var kept = await CustomerIdAsync("person2@example.com");
        var before = await UnallowedTargetScenario.MessageAsync(_hub.Hub.Client, groupId);
        Assert.Contains(erased.ToString(), before, StringComparison.Ordinal);
        Assert.Contains(kept.ToString(), before, StringComparison.Ordinal);

        using (var erasure = await _hub.Hub.Client.PostAsync(new Uri($"api/customers/{erased}/erasure", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.Accepted, erasure.StatusCode);
        }

        var failed = Assert.Single(await UnallowedTargetScenario.FailedAsync(_hub.Hub.Client));
        Assert.Equal(groupId, failed.GetProperty("id").GetInt64());
        Assert.Equal("CustomerUpdateGroup", failed.GetProperty("messageType").GetString());
        var after = await UnallowedTargetScenario.MessageAsync(_hub.Hub.Client, groupId);
        Assert.DoesNotContain(erased.ToString(), after, StringComparison.Ordinal);
        Assert.DoesNotContain("person1@example.com", after, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(kept.ToString(), after, StringComparison.Ordinal);
        var reason = failed.GetProperty("reason").GetString()!;
        Assert.Contains("(duplicate value: [erased])", reason, StringComparison.Ordinal);
        Assert.Contains("Hub:Outbound:AllowedNetworks", reason, StringComparison.Ordinal);

        await _hub.RestartAsync(UnallowedTargetScenario.AllowTheTargetNetwork);
        using (var replay = await UnallowedTargetScenario.PostAsync(_hub.Hub.Client, $"{groupId}/replay"))
        {
            Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        }
        var deliveries = await _scenario.WaitForDeliveryOfAsync(2);
        Assert.Contains(deliveries, d => d.Contains(kept.ToString(), StringComparison.Ordinal));
        Assert.DoesNotContain(deliveries, d => d.Contains("person1@example.com", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Puts both failed changes into the first failed row, as the relay does when it publishes them together, and removes
    /// the second row: one failed group of two people's changes. Returns the group's id.
    /// </summary>
    private async Task<long> JoinFailedGroupsAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={_hub.DatabasePath};Pooling=False");
        await connection.OpenAsync();
        var rows = await UnallowedTargetScenario.FailedRowsAsync(connection);
        Assert.Equal(2, rows.Count);
        var changes = new JsonArray([.. rows.SelectMany(r => JsonNode.Parse(r.Body)!["changes"]!.AsArray().Select(c => c!.DeepClone()))]);
        await using var write = connection.CreateCommand();
        // A target's refusal can quote a value of the record (Salesforce's DUPLICATE_VALUE does).
        write.CommandText = """
            update failed_messages set Body = $body, ExceptionMessage = ExceptionMessage || ' (duplicate value: person1@example.com)' where Id = $first;
            delete from failed_messages where Id = $second
            """;
        write.Parameters.AddWithValue("$body", new JsonObject { ["changes"] = changes }.ToJsonString());
        write.Parameters.AddWithValue("$first", rows[0].Id);
        write.Parameters.AddWithValue("$second", rows[1].Id);
        await write.ExecuteNonQueryAsync();
        return rows[0].Id;
    }

    private async Task<Guid> CustomerIdAsync(string email) =>
        Assert.Single((await _hub.Hub.Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers?email={Uri.EscapeDataString(email)}", UriKind.Relative)))
            .EnumerateArray()).GetProperty("id").GetGuid();

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        _scenario.Dispose();
    }
}
