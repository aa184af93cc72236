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
        // MassTransit's own error queue behaves as before: the message is there too.
        Assert.Equal(1u, await _hub.QueueDepthAsync($"{UnallowedTargetScenario.Queue}_error"));

        await _hub.RestartAsync(UnallowedTargetScenario.AllowTheTargetNetwork);
        var kept = await _hub.Hub.Client.GetFromJsonAsync<JsonElement>(new Uri($"api/operations/failed-messages/{id}", UriKind.Relative));
        Assert.Equal("failed", kept.GetProperty("failure").GetProperty("status").GetString());

        await _scenario.AssertReplayLandsOnceAsync(_hub.Hub.Client, _hub.Sender, id);
        Assert.Empty((await _hub.Hub.Client.GetFromJsonAsync<JsonElement>(
            new Uri("api/operations/failed-messages?status=failed", UriKind.Relative))).GetProperty("items").EnumerateArray());
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        _scenario.Dispose();
    }
}
