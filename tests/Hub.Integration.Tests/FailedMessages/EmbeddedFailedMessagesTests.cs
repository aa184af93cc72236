using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Integration.Tests.Hosting;
using Microsoft.Data.Sqlite;
using static Hub.Integration.Tests.Connectors.Salesforce.SalesforceHub;

namespace Hub.Integration.Tests.FailedMessages;

/// <summary>
/// Embedded mode (SQLite, in-memory bus): the bus forgets on a restart, the <c>failed_messages</c> table does not,
/// so a failed change is still there to replay after the fix.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class EmbeddedFailedMessagesTests : IAsyncLifetime
{
    private readonly UnallowedTargetScenario _scenario = new();
    private EmbeddedHub _hub = null!;

    public async Task InitializeAsync() =>
        _hub = await EmbeddedHub.StartAsync(_scenario.TargetSettings.Concat(UnallowedTargetScenario.QuickResolutionRetries).ToDictionary());

    [Fact]
    public async Task A_change_refused_for_good_survives_the_restart_that_fixes_it_and_a_replay_lands_once()
    {
        await UnallowedTargetScenario.SendCustomerAsync(_hub.Sender, 1);
        var id = await _scenario.AssertListedWithTheReasonAsync(_hub.Hub.Client);

        await _hub.RestartAsync(UnallowedTargetScenario.AllowTheTargetNetwork);

        await _scenario.AssertReplayLandsOnceAsync(_hub.Hub.Client, _hub.Sender, id);
    }

    [Fact]
    public async Task A_discarded_message_is_neither_replayed_alone_nor_with_the_rest()
    {
        await UnallowedTargetScenario.SendCustomerAsync(_hub.Sender, 1);
        var id = (await UnallowedTargetScenario.WaitForOneFailedAsync(_hub.Hub.Client)).GetProperty("id").GetInt64();

        using (var discard = await UnallowedTargetScenario.PostAsync(_hub.Hub.Client, $"{id}/discard"))
        {
            Assert.Equal(HttpStatusCode.OK, discard.StatusCode);
            Assert.Equal("discarded", (await discard.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        }
        using (var replay = await UnallowedTargetScenario.PostAsync(_hub.Hub.Client, $"{id}/replay"))
        {
            Assert.Equal(HttpStatusCode.Conflict, replay.StatusCode);
        }
        using var all = await UnallowedTargetScenario.PostAsync(_hub.Hub.Client, "replay");
        Assert.Equal(0, (await all.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("replayed").GetInt32());
        var discarded = await _hub.Hub.Client.GetFromJsonAsync<JsonElement>(new Uri("api/operations/failed-messages?status=discarded", UriKind.Relative));
        Assert.Equal(id, Assert.Single(discarded.GetProperty("items").EnumerateArray()).GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Discarding_a_failed_group_of_touchpoints_takes_them_out_of_the_ingress_buffer_so_none_is_offered_again()
    {
        await using (var connection = new SqliteConnection($"Data Source={_hub.DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var trigger = connection.CreateCommand();
            trigger.CommandText = "create trigger timeline_maintenance before insert on timeline begin select raise(abort, 'the timeline is closed for maintenance'); end;";
            await trigger.ExecuteNonQueryAsync();
        }
        await UnallowedTargetScenario.SendCustomerAsync(_hub.Sender, 1);
        await UnallowedTargetScenario.SendCustomerAsync(_hub.Sender, 2);
        await EventuallyAsync(async () => (await UnallowedTargetScenario.FailedAsync(_hub.Hub.Client)).Count == 2, "both touchpoints failed");
        Assert.Equal(2, await _hub.CountAsync("ingress_buffer"));
        var id = await JoinFailedTouchpointsAsync();

        using (var discard = await UnallowedTargetScenario.PostAsync(_hub.Hub.Client, $"{id}/discard"))
        {
            Assert.Equal(HttpStatusCode.OK, discard.StatusCode);
        }

        Assert.Equal(0, await _hub.CountAsync("ingress_buffer"));
    }

    /// <summary>Puts both failed touchpoints into the first failed row, as one group carries them, and removes the second.</summary>
    private async Task<long> JoinFailedTouchpointsAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={_hub.DatabasePath};Pooling=False");
        await connection.OpenAsync();
        var rows = await UnallowedTargetScenario.FailedRowsAsync(connection);
        Assert.Equal(2, rows.Count);
        await using var write = connection.CreateCommand();
        write.CommandText = """
            update failed_messages set MessageType = 'TouchpointGroup', Body = $body where Id = $first;
            delete from failed_messages where Id = $second
            """;
        write.Parameters.AddWithValue("$body", $$"""{"touchpoints":[{{rows[0].Body}},{{rows[1].Body}}]}""");
        write.Parameters.AddWithValue("$first", rows[0].Id);
        write.Parameters.AddWithValue("$second", rows[1].Id);
        await write.ExecuteNonQueryAsync();
        return rows[0].Id;
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        _scenario.Dispose();
    }
}
