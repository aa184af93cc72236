using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Integration.Tests.Hosting;

namespace Hub.Integration.Tests.FailedMessages;

/// <summary>
/// Embedded mode (SQLite, in-memory bus): the bus forgets on a restart, the <c>failed_messages</c> table does not,
/// so a failed change is still there to replay after the fix.
/// </summary>
public sealed class EmbeddedFailedMessagesTests : IAsyncLifetime
{
    private readonly UnallowedTargetScenario _scenario = new();
    private EmbeddedHub _hub = null!;

    public async Task InitializeAsync() => _hub = await EmbeddedHub.StartAsync(_scenario.TargetSettings);

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

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        _scenario.Dispose();
    }
}
