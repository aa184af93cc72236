using System.Globalization;
using Hub.Integration.Tests.Hosting;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static Hub.Integration.Tests.Connectors.Salesforce.SalesforceHub;
using Request = WireMock.RequestBuilders.Request;

namespace Hub.Integration.Tests.Connectors.Twitter;

/// <summary>An X account in polling mode against a WireMock X API: checkpoint kept over a restart, rate limit waited out.</summary>
public sealed class MentionsPollingTests : IAsyncLifetime
{
    private const string MentionsPath = "/2/users/1102497772336161459/mentions";
    private const string Newest = "1932450711308666113";
    private readonly WireMockServer _x = WireMockServer.Start();
    private EmbeddedHub _hub = null!;

    public async Task InitializeAsync()
    {
        _x.Given(Request.Create().WithPath(MentionsPath).UsingGet()).AtPriority(100)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(Sample("v2-mentions-page1.json")));
        _x.Given(Request.Create().WithPath(MentionsPath).WithParam("since_id", Newest).UsingGet()).AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"meta":{"result_count":0}}"""));
        _hub = await EmbeddedHub.StartAsync(new Dictionary<string, string>
        {
            ["Hub:Connectors:x1:Kind"] = "twitter",
            ["Hub:Connectors:x1:ConsumerSecret"] = "hub-test-consumer-secret",
            ["Hub:Connectors:x1:AccountUserId"] = "1102497772336161459",
            ["Hub:Connectors:x1:Mode"] = "polling",
            ["Hub:Connectors:x1:BearerToken"] = "app-bearer-token",
            ["Hub:Connectors:x1:PollIntervalSeconds"] = "1",
            ["Hub:Connectors:x1:ApiBaseUrl"] = _x.Url!,
            ["Hub:Polling:Lease"] = "00:00:04",
            ["Hub:Outbound:AllowedNetworks:0"] = "127.0.0.1/32",
        });
    }

    [Fact]
    public async Task After_a_restart_polling_resumes_from_the_checkpoint_without_duplicates()
    {
        await EventuallyAsync(async () => (await _hub.TimelineTouchpointIdsAsync()).Count == 5, "the first page of mentions");
        await EventuallyAsync(() => SinceIdPolls() > 0, "a poll from the checkpoint");

        await _hub.RestartAsync();
        var before = SinceIdPolls();
        await EventuallyAsync(() => SinceIdPolls() > before, "a poll from the stored checkpoint after the restart");

        Assert.Equal(5, (await _hub.TimelineTouchpointIdsAsync()).Count);
        Assert.Equal(1, _x.LogEntries.Count(e => !e.RequestMessage!.Query!.ContainsKey("since_id")));
    }

    [Fact]
    public async Task A_rate_limited_poll_waits_until_the_reset_before_asking_again()
    {
        await EventuallyAsync(() => SinceIdPolls() > 0, "polling from the checkpoint");
        var reset = DateTimeOffset.UtcNow.AddSeconds(5);
        _x.Given(Request.Create().WithPath(MentionsPath).WithParam("since_id", Newest).UsingGet()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Content-Type", "application/json")
                .WithHeader("x-rate-limit-remaining", "0").WithHeader("x-rate-limit-reset", reset.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture))
                .WithBody(Sample("v2-429.json")));
        var limitedAt = _x.LogEntries.Count();
        await EventuallyAsync(() => _x.LogEntries.Count() > limitedAt, "the rate-limited poll");
        var refused = _x.LogEntries.Skip(limitedAt).First(e => e.ResponseMessage!.StatusCode is 429);

        await EventuallyAsync(() => _x.LogEntries.Any(e => e.RequestMessage!.DateTime > refused.RequestMessage!.DateTime), "the poll after the reset");

        var next = _x.LogEntries.First(e => e.RequestMessage!.DateTime > refused.RequestMessage!.DateTime);
        Assert.True(next.RequestMessage!.DateTime >= reset.UtcDateTime.AddSeconds(-1), $"asked again at {next.RequestMessage.DateTime:O}, before the reset at {reset:O}");
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        _x.Dispose();
    }

    private int SinceIdPolls() => _x.LogEntries.Count(e => e.RequestMessage!.Query!.TryGetValue("since_id", out var since) && since.Contains(Newest));

    private static string Sample(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "formats", "twitter", name));
}
