using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Integration.Tests.Hosting;

namespace Hub.Integration.Tests.FailedMessages;

/// <summary>Production mode (RabbitMQ, PostgreSQL): a change a target cannot take is recorded, kept over a restart, and replayed once.</summary>
public sealed class ProductionFailedMessagesTests : IAsyncLifetime
{
    private readonly UnallowedTargetScenario _scenario = new();
    private readonly ProductionHub _hub = new();

    public async Task InitializeAsync()
    {
        foreach (var (key, value) in _scenario.TargetSettings)
        {
            _hub.ExtraSettings[key] = value;
        }
        await _hub.InitializeAsync();
    }

    [Fact]
    public async Task A_change_refused_for_good_is_listed_with_its_reason_stays_in_the_error_queue_and_after_the_fix_a_replay_lands_once()
    {
        await UnallowedTargetScenario.SendCustomerAsync(_hub.Sender, 1);

        var id = await _scenario.AssertListedWithTheReasonAsync(_hub.Hub.Client);
        // MassTransit's own error queue behaves as before: the message moves there too, just after it is recorded.
        Assert.Equal(1u, await _hub.WaitForQueueDepthAsync($"{UnallowedTargetScenario.Queue}_error", 1));

        await _hub.RestartAsync(UnallowedTargetScenario.AllowTheTargetNetwork);
        var kept = await _hub.Hub.Client.GetFromJsonAsync<JsonElement>(new Uri($"api/operations/failed-messages/{id}", UriKind.Relative));
        Assert.Equal("failed", kept.GetProperty("failure").GetProperty("status").GetString());

        await _scenario.AssertReplayLandsOnceAsync(_hub.Hub.Client, _hub.Sender, id);
        Assert.Empty((await _hub.Hub.Client.GetFromJsonAsync<JsonElement>(
            new Uri("api/operations/failed-messages?status=failed", UriKind.Relative))).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_touchpoint_the_database_refuses_is_listed_after_the_retries_and_after_the_fix_a_replay_lands_it_once()
    {
        // A DBA's maintenance trigger that was never removed: every resolution transaction is rolled back.
        await _hub.ExecuteAsync("""
            create function timeline_maintenance() returns trigger language plpgsql
              as $$ begin raise exception 'the timeline is closed for maintenance'; end $$;
            create trigger timeline_maintenance before insert on timeline for each row execute function timeline_maintenance();
            """);
        await UnallowedTargetScenario.SendCustomerAsync(_hub.Sender, 3);

        var failed = await UnallowedTargetScenario.WaitForOneFailedAsync(_hub.Hub.Client);
        Assert.Equal("hub-resolution", failed.GetProperty("queue").GetString());
        Assert.Equal("TouchpointReceived", failed.GetProperty("messageType").GetString());
        Assert.Contains("closed for maintenance", failed.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.True(failed.GetProperty("attempts").GetInt32() > 1, "the consumer's retries come before the failure is recorded");
        Assert.Equal(0, await _hub.CountAsync("timeline"));

        await _hub.ExecuteAsync("drop trigger timeline_maintenance on timeline;");
        var id = failed.GetProperty("id").GetInt64();
        using (var replay = await UnallowedTargetScenario.PostAsync(_hub.Hub.Client, $"{id}/replay"))
        {
            Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        }
        Assert.Equal(1, await _hub.WaitForCountAsync("timeline", 1));
        using (var again = await UnallowedTargetScenario.PostAsync(_hub.Hub.Client, $"{id}/replay"))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        }
        // A later touchpoint lands after anything the replays could have queued before it.
        await UnallowedTargetScenario.SendCustomerAsync(_hub.Sender, 4);
        Assert.Equal(2, await _hub.WaitForCountAsync("timeline", 2));
        Assert.Equal(2, await _hub.CountAsync("customers"));
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        _scenario.Dispose();
    }
}
