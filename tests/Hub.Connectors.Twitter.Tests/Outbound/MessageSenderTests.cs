using System.Text.Json;
using Hub.Connectors.Conformance;
using Hub.Connectors.Twitter.Outbound;
using Hub.Connectors.Twitter.Signing;
using Hub.Contracts.Connectors;
using Microsoft.Extensions.Time.Testing;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static Hub.Connectors.Twitter.Tests.TwitterTestKit;
using Request = WireMock.RequestBuilders.Request;

namespace Hub.Connectors.Twitter.Tests.Outbound;

/// <summary>Replies and DMs against a WireMock X API.</summary>
public sealed class MessageSenderTests : IDisposable
{
    private const string DmPath = $"/2/dm_conversations/with/{Jane}/messages";
    private readonly WireMockServer _x = WireMockServer.Start();
    private readonly FakeTimeProvider _time = new(Now);

    [Fact]
    public async Task A_dm_is_posted_as_json_signed_with_oauth1_as_the_account_and_keyed_like_its_echo()
    {
        Answer(DmPath, 201, Sample("v2-dm-send-201.json"));

        var result = await SendAsync(new OutboundMessage(Jane, "Order A1234 left our warehouse today."));

        Assert.True(result.Sent, result.Detail);
        Assert.Equal("dm:1932440623130928134", result.SourceEventId);
        Assert.Equal("social.dm.sent", result.TouchpointType);
        var request = Assert.Single(_x.LogEntries).RequestMessage!;
        Assert.Equal(DmPath, request.Path);
        Assert.Equal("Order A1234 left our warehouse today.", JsonDocument.Parse(request.Body!).RootElement.GetProperty("text").GetString());
        AssertSignedByTheAccount(request.Headers!["Authorization"][0], new Uri(request.Url));
    }

    [Fact]
    public async Task A_reply_is_a_post_in_reply_to_the_customers_post()
    {
        Answer("/2/tweets", 201, Sample("v2-create-tweet-201.json"));

        var result = await SendAsync(new OutboundMessage(Jane, "@jane_example Sorry about the delay!", ReplyTo: "1932438400665694466"));

        Assert.Equal("tweet:1932439547107394051", result.SourceEventId);
        Assert.Equal("social.reply.sent", result.TouchpointType);
        var body = JsonDocument.Parse(Assert.Single(_x.LogEntries).RequestMessage!.Body!).RootElement;
        Assert.Equal("1932438400665694466", body.GetProperty("reply").GetProperty("in_reply_to_tweet_id").GetString());
        Assert.Equal("@jane_example Sorry about the delay!", body.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Too_many_requests_waits_until_the_rate_limit_resets_then_sends_once()
    {
        var reset = Now.AddSeconds(20).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        _x.Given(Request.Create().WithPath(DmPath).UsingPost()).InScenario("limit").WillSetStateTo("reset")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("x-rate-limit-reset", reset).WithBody(Sample("v2-429.json")));
        _x.Given(Request.Create().WithPath(DmPath).UsingPost()).InScenario("limit").WhenStateIs("reset")
            .RespondWith(Response.Create().WithStatusCode(201).WithBody(Sample("v2-dm-send-201.json")));

        var sending = SendAsync(new OutboundMessage(Jane, "Hi"));
        await EventuallyAsync(() => _x.LogEntries.Count() == 1);
        _time.Advance(TimeSpan.FromSeconds(19));
        await Task.Delay(50);
        Assert.Single(_x.LogEntries);
        while (!sending.IsCompleted)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20);
        }

        Assert.True((await sending).Sent);
        Assert.Equal(2, _x.LogEntries.Count());
    }

    [Fact]
    public async Task A_rate_limit_that_resets_far_away_is_thrown_with_the_reset_time_for_a_later_retry()
    {
        var reset = Now.AddMinutes(12).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        _x.Given(Request.Create().WithPath(DmPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("x-rate-limit-reset", reset).WithBody(Sample("v2-429.json")));

        var thrown = await Assert.ThrowsAsync<SyncTargetUnavailableException>(() => SendAsync(new OutboundMessage(Jane, "Hi")));

        Assert.Equal(TimeSpan.FromMinutes(12) + TimeSpan.FromSeconds(1), thrown.RetryAfter);
        Assert.Single(_x.LogEntries);
    }

    [Fact]
    public async Task A_refusal_is_reported_with_xs_words_and_not_retried()
    {
        Answer(DmPath, 403, """{"detail":"You are not permitted to send Direct Messages to this user.","title":"Forbidden","status":403}""");

        var result = await SendAsync(new OutboundMessage(Jane, "Hi"));

        Assert.False(result.Sent);
        Assert.Contains("not permitted to send Direct Messages", result.Detail, StringComparison.Ordinal);
        Assert.Single(_x.LogEntries);
    }

    [Fact]
    public async Task Without_the_accounts_tokens_nothing_is_sent()
    {
        var result = await new XMessageSender(new DirectHttpClientFactory(), _time)
            .SendAsync(TwitterOptions.From(Instance(("ApiBaseUrl", _x.Url)).Settings), new OutboundMessage(Jane, "Hi"), CancellationToken.None);

        Assert.False(result.Sent);
        Assert.Contains("AccessToken", result.Detail, StringComparison.Ordinal);
        Assert.Empty(_x.LogEntries);
    }

    [Fact]
    public void An_instance_without_the_accounts_tokens_says_it_cannot_send_before_anything_is_tried()
    {
        var sender = (IMessageSender)Connector();

        Assert.Contains("AccessTokenSecret", sender.SendingProblem(Instance()), StringComparison.Ordinal);
        Assert.Null(sender.SendingProblem(Sending));
    }

    public void Dispose() => _x.Dispose();

    private Task<MessageSendResult> SendAsync(OutboundMessage message) =>
        new XMessageSender(new DirectHttpClientFactory(), _time).SendAsync(TwitterOptions.From(Sending.Settings), message, CancellationToken.None);

    private ConnectorInstance Sending => Instance(("ApiBaseUrl", _x.Url), ("ConsumerKey", "xvz1evFS4wEEPTGEFPHBog"),
        ("AccessToken", "1102497772336161459-token"), ("AccessTokenSecret", "account-token-secret"));

    private void Answer(string path, int status, string body) =>
        _x.Given(Request.Create().WithPath(path).UsingPost()).RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body));

    private static void AssertSignedByTheAccount(string header, Uri url)
    {
        Assert.StartsWith("OAuth ", header, StringComparison.Ordinal);
        var parameters = header["OAuth ".Length..].Split(", ")
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1].Trim('"')));
        Assert.Equal("xvz1evFS4wEEPTGEFPHBog", parameters["oauth_consumer_key"]);
        Assert.Equal("1102497772336161459-token", parameters["oauth_token"]);
        Assert.Equal(Now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), parameters["oauth_timestamp"]);
        var signed = parameters.Where(p => p.Key != "oauth_signature").ToList();
        Assert.Equal(OAuth1Signer.Signature(OAuth1Signer.BaseString("POST", url, signed), ConsumerSecret, "account-token-secret"), parameters["oauth_signature"]);
    }

    private static async Task EventuallyAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25);
        }
        Assert.True(condition());
    }
}
