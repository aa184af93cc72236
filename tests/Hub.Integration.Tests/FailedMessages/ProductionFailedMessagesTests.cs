using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;
using Hub.Integration.Tests.Hosting;
using MassTransit;

namespace Hub.Integration.Tests.FailedMessages;

/// <summary>Production mode (RabbitMQ, PostgreSQL): a change a target cannot take is recorded, kept over a restart, and replayed once.</summary>
[Collection(RunsAlone.Name)]
public sealed class ProductionFailedMessagesTests : IAsyncLifetime
{
    private readonly UnallowedTargetScenario _scenario = new();
    private readonly ProductionHub _hub = new();

    public async Task InitializeAsync()
    {
        foreach (var (key, value) in _scenario.TargetSettings.Concat(UnallowedTargetScenario.QuickResolutionRetries))
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

    [Fact]
    public async Task A_touchpoint_the_database_refuses_leaves_its_group_and_fails_alone_while_the_others_of_the_group_land()
    {
        await _hub.ExecuteAsync("""
            create function refuse_poison() returns trigger language plpgsql
              as $$ begin if new."SourceEventId" = 'poison' then raise exception 'the poison touchpoint is refused'; end if; return new; end $$;
            create trigger refuse_poison before insert on timeline for each row execute function refuse_poison();
            """);
        var group = new TouchpointGroup { Touchpoints = [Touchpoint("good-1", 1), Touchpoint("poison", 2), Touchpoint("good-2", 3)] };

        var bus = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(_hub.BrokerUri));
        await bus.StartAsync(TimeSpan.FromSeconds(30));
        try
        {
            await bus.Publish(group);
        }
        finally
        {
            await bus.StopAsync(TimeSpan.FromSeconds(30));
        }

        // The two that land make customers, whose changes this class's target refuses: those are listed too.
        var failed = await WaitForFailedTouchpointAsync();
        Assert.Contains("the poison touchpoint is refused", failed.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, await _hub.WaitForCountAsync("timeline", 2));
        Assert.Equal(["good-1", "good-2"], (await _hub.TimelineSourceEventIdsAsync()).Order());
    }

    private async Task<JsonElement> WaitForFailedTouchpointAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var touchpoints = (await UnallowedTargetScenario.FailedAsync(_hub.Hub.Client)).Where(f => f.GetProperty("queue").GetString() == "hub-resolution").ToList();
            if (touchpoints.Count > 0 || DateTime.UtcNow > deadline)
            {
                var failed = Assert.Single(touchpoints);
                Assert.Equal("TouchpointReceived", failed.GetProperty("messageType").GetString());
                return failed;
            }
            await Task.Delay(200);
        }
    }

    private static TouchpointReceived Touchpoint(string sourceEventId, int person) => new()
    {
        TouchpointId = TouchpointIds.From(ProductionHub.InstanceId, sourceEventId),
        ConnectorInstanceId = ProductionHub.InstanceId,
        SourceEventId = sourceEventId,
        Channel = TouchpointChannels.Crm,
        Type = "identify",
        OccurredAt = DateTimeOffset.UtcNow,
        ReceivedAt = DateTimeOffset.UtcNow,
        Identities = [CustomerIdentifier.Email($"person{person}@example.com")],
    };

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        _scenario.Dispose();
    }
}
