using System.Globalization;
using Hub.Connectors.Conformance;
using Hub.Connectors.Twitter.Inbound;
using Hub.Contracts.Connectors;
using Microsoft.Extensions.Time.Testing;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static Hub.Connectors.Twitter.Tests.TwitterTestKit;
using Request = WireMock.RequestBuilders.Request;

namespace Hub.Connectors.Twitter.Tests.Inbound;

/// <summary>The v2 mentions poll against a WireMock X API with the documented pages.</summary>
public sealed class MentionsPollerTests : IDisposable
{
    private const string MentionsPath = $"/2/users/{AccountUserId}/mentions";
    private readonly WireMockServer _x = WireMockServer.Start();
    private readonly FakeTimeProvider _time = new(Now);

    [Fact]
    public async Task From_a_checkpoint_every_page_is_read_and_the_newest_id_is_the_next_checkpoint()
    {
        _x.Given(Request.Create().WithPath(MentionsPath).WithParam("since_id", "1931000000000000000").WithParam("pagination_token", "7140dibdnow9c7btw4b4bwf3p3tgla5szr3grcqhqe3wi").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(Sample("v2-mentions-page2.json")));
        _x.Given(Request.Create().WithPath(MentionsPath).WithParam("since_id", "1931000000000000000").UsingGet()).AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(Sample("v2-mentions-page1.json")));

        var result = await PollAsync("1931000000000000000");

        Assert.Equal("1932450711308666113", result.Checkpoint);
        Assert.Equal(2, _x.LogEntries.Count());
        Assert.True(result.Touchpoints.Count > 5);
        Assert.Equal(result.Touchpoints.Count, result.Touchpoints.Select(t => t.SourceEventId).Distinct().Count());
        var jane = result.Touchpoints.Single(t => t.SourceEventId == "tweet:1932438400665694466");
        Assert.Equal("social.mention", jane.Type);
        Assert.Equal(Jane, jane.Identities.Single().Value);
        Assert.Equal("jane_example", jane.ProfileFacts["twitterHandle"]);
        Assert.Equal(new DateTimeOffset(2025, 6, 10, 14, 3, 12, TimeSpan.Zero), jane.OccurredAt);
        Assert.Equal("social.reply", result.Touchpoints.Single(t => t.SourceEventId == "tweet:1932450711308666113").Type);
        Assert.Equal("Bearer app-bearer-token", _x.LogEntries.First().RequestMessage!.Headers!["Authorization"][0]);
    }

    [Fact]
    public async Task The_first_poll_takes_one_page_and_starts_from_its_newest_post()
    {
        _x.Given(Request.Create().WithPath(MentionsPath).UsingGet()).RespondWith(Response.Create().WithStatusCode(200).WithBody(Sample("v2-mentions-page1.json")));

        var result = await PollAsync(null);

        Assert.Equal("1932450711308666113", result.Checkpoint);
        Assert.Equal(5, result.Touchpoints.Count);
        Assert.Single(_x.LogEntries);
        Assert.False(_x.LogEntries.Single().RequestMessage!.Query!.ContainsKey("since_id"));
    }

    [Fact]
    public async Task Nothing_new_keeps_the_checkpoint()
    {
        _x.Given(Request.Create().WithPath(MentionsPath).UsingGet()).RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"meta":{"result_count":0}}"""));

        var result = await PollAsync("1932450711308666113");

        Assert.Empty(result.Touchpoints);
        Assert.Equal("1932450711308666113", result.Checkpoint);
        Assert.Equal(TimeSpan.FromSeconds(60), result.NextPollIn);
    }

    [Fact]
    public async Task A_used_up_rate_limit_is_thrown_with_the_time_until_it_resets()
    {
        _x.Given(Request.Create().WithPath(MentionsPath).UsingGet()).RespondWith(Response.Create().WithStatusCode(429)
            .WithHeader("x-rate-limit-remaining", "0").WithHeader("x-rate-limit-reset", Reset(TimeSpan.FromMinutes(7))).WithBody(Sample("v2-429.json")));

        var thrown = await Assert.ThrowsAsync<SyncTargetUnavailableException>(() => PollAsync("1932450711308666113"));

        Assert.Equal(TimeSpan.FromMinutes(7) + TimeSpan.FromSeconds(1), thrown.RetryAfter);
    }

    [Fact]
    public async Task The_last_allowed_call_of_the_window_puts_the_next_poll_after_the_reset()
    {
        _x.Given(Request.Create().WithPath(MentionsPath).UsingGet()).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("x-rate-limit-remaining", "0").WithHeader("x-rate-limit-reset", Reset(TimeSpan.FromMinutes(5))).WithBody(Sample("v2-mentions-page2.json")));

        var result = await PollAsync("1931000000000000000");

        Assert.Single(_x.LogEntries);
        Assert.Equal(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1), result.NextPollIn);
        Assert.Equal("1931754385910614277", result.Checkpoint);
    }

    [Fact]
    public async Task A_window_used_up_in_the_middle_of_paging_keeps_the_checkpoint_so_the_poll_after_the_reset_reads_the_older_pages()
    {
        GivenPageTwo(Response.Create().WithStatusCode(200).WithBody(Sample("v2-mentions-page2.json")));
        _x.Given(Request.Create().WithPath(MentionsPath).WithParam("since_id", "1931000000000000000").UsingGet()).AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(200)
                .WithHeader("x-rate-limit-remaining", "0").WithHeader("x-rate-limit-reset", Reset(TimeSpan.FromSeconds(4))).WithBody(Sample("v2-mentions-page1.json")));

        var stopped = await PollAsync("1931000000000000000");

        Assert.Single(_x.LogEntries);
        Assert.Equal("1931000000000000000", stopped.Checkpoint);
        Assert.Equal(TimeSpan.FromSeconds(60), stopped.NextPollIn);
        Assert.Equal(5, stopped.Touchpoints.Count);

        _x.ResetMappings();
        GivenPageOne();
        GivenPageTwo(Response.Create().WithStatusCode(200).WithBody(Sample("v2-mentions-page2.json")));
        _time.Advance(TimeSpan.FromSeconds(5));

        var resumed = await PollAsync(stopped.Checkpoint);

        Assert.Equal("1932450711308666113", resumed.Checkpoint);
        Assert.Contains(resumed.Touchpoints, t => t.SourceEventId == "tweet:1931754385910614277");
        Assert.Contains(resumed.Touchpoints, t => t.SourceEventId == "tweet:1931653078205946374");
    }

    [Fact]
    public async Task A_rate_limit_on_a_later_page_is_thrown_so_no_checkpoint_moves()
    {
        GivenPageOne();
        GivenPageTwo(Response.Create().WithStatusCode(429)
            .WithHeader("x-rate-limit-remaining", "0").WithHeader("x-rate-limit-reset", Reset(TimeSpan.FromSeconds(4))).WithBody(Sample("v2-429.json")));

        var thrown = await Assert.ThrowsAsync<SyncTargetUnavailableException>(() => PollAsync("1931000000000000000"));

        Assert.Equal(TimeSpan.FromSeconds(5), thrown.RetryAfter);
        Assert.Equal(2, _x.LogEntries.Count());
    }

    [Fact]
    public async Task An_error_on_a_later_page_is_thrown_so_no_checkpoint_moves()
    {
        GivenPageOne();
        GivenPageTwo(Response.Create().WithStatusCode(503).WithBody("""{"title":"Service Unavailable"}"""));

        await Assert.ThrowsAsync<HttpRequestException>(() => PollAsync("1931000000000000000"));

        Assert.Equal(2, _x.LogEntries.Count());
    }

    public void Dispose() => _x.Dispose();

    private void GivenPageOne() =>
        _x.Given(Request.Create().WithPath(MentionsPath).WithParam("since_id", "1931000000000000000").UsingGet()).AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(Sample("v2-mentions-page1.json")));

    private void GivenPageTwo(IResponseBuilder response) =>
        _x.Given(Request.Create().WithPath(MentionsPath).WithParam("since_id", "1931000000000000000").WithParam("pagination_token", "7140dibdnow9c7btw4b4bwf3p3tgla5szr3grcqhqe3wi").UsingGet())
            .RespondWith(response);

    private static string Reset(TimeSpan after) => (Now + after).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private Task<PollResult> PollAsync(string? checkpoint) =>
        new MentionsPoller(new DirectHttpClientFactory(), _time).PollAsync(
            TwitterOptions.From(Instance(("ApiBaseUrl", _x.Url), ("Mode", "polling"), ("BearerToken", "app-bearer-token")).Settings), checkpoint, CancellationToken.None);
}
