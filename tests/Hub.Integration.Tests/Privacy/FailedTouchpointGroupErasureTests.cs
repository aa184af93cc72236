using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Integration.Tests.FailedMessages;
using Hub.Integration.Tests.Hosting;
using Npgsql;
using static Hub.Integration.Tests.Connectors.Salesforce.SalesforceHub;

namespace Hub.Integration.Tests.Privacy;

/// <summary>
/// The production ingress publishes the touchpoints of concurrent requests as one group, so a failed message can hold
/// several people's touchpoints. Erasing one of them takes only that person's touchpoints out of the failed group: the
/// others can still be replayed.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class FailedTouchpointGroupErasureTests : IAsyncLifetime
{
    private readonly ProductionHub _hub = new();

    public Task InitializeAsync()
    {
        foreach (var (key, value) in UnallowedTargetScenario.QuickResolutionRetries)
        {
            _hub.ExtraSettings[key] = value;
        }
        return _hub.InitializeAsync();
    }

    [Fact]
    public async Task Erasure_takes_the_persons_touchpoints_out_of_a_failed_group_and_the_rest_is_replayed()
    {
        await UnallowedTargetScenario.SendCustomerAsync(_hub.Sender, 1);
        Assert.Equal(1, await _hub.WaitForCountAsync("timeline", 1));
        await _hub.ExecuteAsync("""
            create function timeline_maintenance() returns trigger language plpgsql
              as $$ begin raise exception 'the timeline is closed for maintenance'; end $$;
            create trigger timeline_maintenance before insert on timeline for each row execute function timeline_maintenance();
            """);
        await UnallowedTargetScenario.SendCustomerAsync(_hub.Sender, 11);
        await UnallowedTargetScenario.SendCustomerAsync(_hub.Sender, 2);
        await EventuallyAsync(async () => (await UnallowedTargetScenario.FailedAsync(_hub.Hub.Client)).Count == 2, "both touchpoints failed");
        var groupId = await JoinFailedTouchpointsAsync();
        var erased = Assert.Single((await _hub.Hub.Client.GetFromJsonAsync<JsonElement>(new Uri("api/customers?email=person1@example.com", UriKind.Relative)))
            .EnumerateArray()).GetProperty("id").GetGuid();

        using (var erasure = await _hub.Hub.Client.PostAsync(new Uri($"api/customers/{erased}/erasure", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.Accepted, erasure.StatusCode);
        }

        var failed = Assert.Single(await UnallowedTargetScenario.FailedAsync(_hub.Hub.Client));
        Assert.Equal(groupId, failed.GetProperty("id").GetInt64());
        Assert.Equal("TouchpointGroup", failed.GetProperty("messageType").GetString());
        var after = await UnallowedTargetScenario.MessageAsync(_hub.Hub.Client, groupId);
        Assert.DoesNotContain("person1@example.com", after, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("person2@example.com", after, StringComparison.OrdinalIgnoreCase);
        var reason = failed.GetProperty("reason").GetString()!;
        Assert.Contains("(last seen for [erased])", reason, StringComparison.Ordinal);
        Assert.Contains("closed for maintenance", reason, StringComparison.Ordinal);

        await _hub.ExecuteAsync("drop trigger timeline_maintenance on timeline;");
        using (var replay = await UnallowedTargetScenario.PostAsync(_hub.Hub.Client, $"{groupId}/replay"))
        {
            Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        }
        Assert.Equal(1, await _hub.WaitForCountAsync("timeline", 1));
        Assert.Equal(["m-2"], await _hub.TimelineSourceEventIdsAsync());
    }

    /// <summary>
    /// Puts both failed touchpoints into the first failed row, as one group of the ingress carries them, and removes the
    /// second row: one failed group of two people's touchpoints. Returns the group's id.
    /// </summary>
    private async Task<long> JoinFailedTouchpointsAsync()
    {
        await using var connection = new NpgsqlConnection(_hub.DatabaseConnectionString);
        await connection.OpenAsync();
        var rows = await UnallowedTargetScenario.FailedRowsAsync(connection);
        Assert.Equal(2, rows.Count);
        await using var write = new NpgsqlCommand("""
            update failed_messages set "MessageType" = 'TouchpointGroup', "Body" = @body,
              "ExceptionMessage" = "ExceptionMessage" || ' (last seen for person1@example.com)' where "Id" = @first;
            delete from failed_messages where "Id" = @second
            """, connection);
        write.Parameters.AddWithValue("body", $$"""{"touchpoints":[{{rows[0].Body}},{{rows[1].Body}}]}""");
        write.Parameters.AddWithValue("first", rows[0].Id);
        write.Parameters.AddWithValue("second", rows[1].Id);
        await write.ExecuteNonQueryAsync();
        return rows[0].Id;
    }

    public Task DisposeAsync() => _hub.DisposeAsync();
}
