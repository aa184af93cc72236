using System.Net;
using static Hub.Integration.Tests.Connectors.Salesforce.SalesforceHub;
using static Hub.Integration.Tests.Connectors.Twilio.TwilioHub;

namespace Hub.Integration.Tests.Connectors.Twilio;

/// <summary>The generic PBX webhook through a running hub: its calls meet Twilio's texts on one customer.</summary>
public sealed class PbxCallRecordTests : IAsyncLifetime
{
    private const string MissedCall = """
        {"callId":"1772529302.42","direction":"inbound","from":"(415) 555-0123","to":"2001",
         "startedAt":"2026-03-03T09:15:02Z","endedAt":"2026-03-03T09:15:32Z","outcome":"no-answer"}
        """;

    private TwilioHub _hub = null!;

    public async Task InitializeAsync() => _hub = await TwilioHub.StartAsync();

    [Fact]
    public async Task A_missed_call_from_the_phone_system_and_a_Twilio_text_of_the_same_number_land_on_one_customer()
    {
        using (var response = await _hub.PostCallRecordAsync(MissedCall))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        using (var again = await _hub.PostCallRecordAsync(MissedCall))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }
        await _hub.PostAcceptedAsync(InboundSms("SM00000000000000000000000000000041", "Did you call me?"));

        await EventuallyAsync(async () => (await _hub.Embedded.TimelineTouchpointIdsAsync()).Count == 2, "the call and the text");
        var (status, context) = await _hub.ContextAsync("phone=%2B14155550123");
        Assert.Equal(HttpStatusCode.OK, status);
        var latest = context.GetProperty("latestTouchpoints").EnumerateArray()
            .Select(t => (t.GetProperty("connectorInstanceId").GetString(), t.GetProperty("type").GetString())).ToList();
        Assert.Equal([(InstanceId, "sms.received"), (PbxInstanceId, "call.missed")], latest);
    }

    [Fact]
    public async Task An_unsigned_call_record_is_refused_and_stores_nothing()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"webhooks/{PbxInstanceId}", UriKind.Relative))
        {
            Content = new StringContent(MissedCall, System.Text.Encoding.UTF8, "application/json"),
        };
        using var response = await _hub.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await _hub.PostAcceptedAsync(InboundSms("SM00000000000000000000000000000042", "hello", from: "%2B14155550999"));
        await EventuallyAsync(async () => (await _hub.FindAsync("phone=%2B14155550999")).Count == 1, "the later text");
        Assert.Single(await _hub.Embedded.TimelineTouchpointIdsAsync());
    }

    public async Task DisposeAsync() => await _hub.DisposeAsync();
}
