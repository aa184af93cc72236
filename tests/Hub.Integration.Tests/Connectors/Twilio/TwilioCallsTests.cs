using System.Net;
using static Hub.Integration.Tests.Connectors.Salesforce.SalesforceHub;
using static Hub.Integration.Tests.Connectors.Twilio.TwilioHub;

namespace Hub.Integration.Tests.Connectors.Twilio;

/// <summary>The acceptance for Twilio webhooks through a running hub behind a proxy.</summary>
public sealed class TwilioCallsTests : IAsyncLifetime
{
    private const string Caller = "phone=%2B14155550123";
    private TwilioHub _hub = null!;

    public async Task InitializeAsync() => _hub = await TwilioHub.StartAsync();

    [Fact]
    public async Task A_missed_call_then_a_completed_call_then_an_sms_in_national_format_land_on_one_customer()
    {
        await _hub.PostAcceptedAsync(InboundCall("CA00000000000000000000000000000001", "no-answer"));
        await _hub.PostAcceptedAsync(InboundCall("CA00000000000000000000000000000002", "completed", seconds: 42));
        await _hub.PostAcceptedAsync(InboundSms("SM00000000000000000000000000000003", "Sorry I missed you", from: "(415)%20555-0123"));

        await EventuallyAsync(async () => (await _hub.Embedded.TimelineTouchpointIdsAsync()).Count == 3, "three touchpoints");
        var customer = Assert.Single(await _hub.FindAsync(Caller));
        var (status, context) = await _hub.ContextAsync(Caller);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(customer.GetProperty("id").GetGuid(), context.GetProperty("customer").GetProperty("id").GetGuid());
        var types = context.GetProperty("latestTouchpoints").EnumerateArray().Select(t => t.GetProperty("type").GetString()).Order().ToList();
        Assert.Equal(["call.completed", "call.missed", "sms.received"], types);
    }

    [Fact]
    public async Task A_call_webhook_set_to_HTTP_GET_is_checked_over_the_URL_and_lands_on_the_caller()
    {
        // Twilio puts a GET webhook's parameters in the query string and signs the URL alone.
        var query = InboundCall("CA00000000000000000000000000000020", "completed", seconds: 7);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"webhooks/{InstanceId}?{query}", UriKind.Relative));
        request.Headers.Add("X-Twilio-Signature", Sign(AuthToken, $"{PublicBaseUrl}/webhooks/{InstanceId}?{query}", ""));

        using var response = await _hub.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/xml", response.Content.Headers.ContentType?.MediaType);
        await EventuallyAsync(async () => (await _hub.FindAsync(Caller)).Count == 1, "the caller's customer");
    }

    [Fact]
    public async Task A_duplicate_status_callback_changes_nothing()
    {
        var completed = InboundCall("CA00000000000000000000000000000010", "completed", seconds: 42);
        await _hub.PostAcceptedAsync(completed);
        await EventuallyAsync(async () => (await _hub.FindAsync(Caller)).Count == 1, "the caller's customer");
        var before = Assert.Single(await _hub.FindAsync(Caller));

        await _hub.PostAcceptedAsync(completed);
        // A later text of another person: once it is on the timeline, the duplicate before it has been through too.
        await _hub.PostAcceptedAsync(InboundSms("SM00000000000000000000000000000011", "hello", from: "%2B14155550999"));
        await EventuallyAsync(async () => (await _hub.FindAsync("phone=%2B14155550999")).Count == 1, "the other person's customer");

        Assert.Equal(2, (await _hub.Embedded.TimelineTouchpointIdsAsync()).Count);
        var after = Assert.Single(await _hub.FindAsync(Caller));
        Assert.Equal(before.GetProperty("version").GetInt64(), after.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task A_forged_webhook_is_answered_403_and_stores_nothing()
    {
        using var forged = await _hub.PostAsync(InboundCall("CA00000000000000000000000000000020", "no-answer"), token: "fedcba9876543210fedcba9876543210");
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);

        await _hub.PostAcceptedAsync(InboundSms("SM00000000000000000000000000000021", "hello", from: "%2B14155550999"));
        await EventuallyAsync(async () => (await _hub.FindAsync("phone=%2B14155550999")).Count == 1, "the later text");

        Assert.Single(await _hub.Embedded.TimelineTouchpointIdsAsync());
        Assert.Empty(await _hub.FindAsync(Caller));
    }

    public async Task DisposeAsync() => await _hub.DisposeAsync();
}
