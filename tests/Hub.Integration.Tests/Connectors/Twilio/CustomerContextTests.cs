using System.Net;
using System.Text.Json;
using static Hub.Integration.Tests.Connectors.Salesforce.SalesforceHub;
using static Hub.Integration.Tests.Connectors.Twilio.TwilioHub;

namespace Hub.Integration.Tests.Connectors.Twilio;

/// <summary>GET /api/context: the agent's screen pop when a customer known from another channel calls.</summary>
public sealed class CustomerContextTests : IAsyncLifetime
{
    private TwilioHub _hub = null!;

    public async Task InitializeAsync() => _hub = await TwilioHub.StartAsync();

    [Fact]
    public async Task A_caller_known_from_another_channel_gets_that_channels_latest_touchpoints()
    {
        await _hub.SendSegmentAsync("""
            {"type":"identify","messageId":"ctx-1","userId":"u-77","traits":{"email":"mia.lopez@example.com","phone":"+1 415 555 0123","name":"Mia Lopez"}}
            """);
        await _hub.SendSegmentAsync("""{"type":"track","event":"Complained about a late delivery","messageId":"ctx-2","userId":"u-77"}""");
        await EventuallyAsync(async () => (await _hub.Embedded.TimelineTouchpointIdsAsync()).Count == 2, "the CRM's touchpoints");

        await _hub.PostAcceptedAsync(InboundCall("CA00000000000000000000000000000031", "ringing", from: "(415)%20555-0123"));
        await EventuallyAsync(async () => (await _hub.Embedded.TimelineTouchpointIdsAsync()).Count == 3, "the call");

        var (status, context) = await _hub.ContextAsync("phone=%2B14155550123");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("phone", context.GetProperty("matchedBy").GetString());
        var customer = context.GetProperty("customer");
        Assert.Equal("Mia Lopez", customer.GetProperty("fields").GetProperty("name").GetProperty("value").GetString());
        Assert.Contains(customer.GetProperty("identifiers").EnumerateArray(), i => i.GetProperty("value").GetString() == "mia.lopez@example.com");
        var latest = context.GetProperty("latestTouchpoints").EnumerateArray().ToList();
        Assert.Equal(3, latest.Count);
        Assert.Contains(latest, t => t.GetProperty("summary").GetString() == "Complained about a late delivery" && t.GetProperty("channel").GetString() == "crm");
        Assert.Contains(latest, t => t.GetProperty("type").GetString() == "call.started" && t.GetProperty("channel").GetString() == "phone");
        var occurred = latest.Select(t => t.GetProperty("occurredAt").GetDateTimeOffset()).ToList();
        Assert.Equal(occurred.OrderDescending(), occurred);
        var channels = context.GetProperty("metrics").GetProperty("channels").EnumerateArray()
            .ToDictionary(c => c.GetProperty("channel").GetString()!, c => c.GetProperty("touchpointsInWindow").GetInt32());
        Assert.Equal(new Dictionary<string, int> { ["crm"] = 2, ["phone"] = 1 }, channels);
        Assert.Equal(3, context.GetProperty("metrics").GetProperty("touchpointsInWindow").GetInt32());

        var byEmail = (await _hub.ContextAsync("email=Mia.Lopez%40example.com")).Body;
        var byId = (await _hub.ContextAsync($"customerId={customer.GetProperty("id").GetGuid()}")).Body;
        Assert.Equal(customer.GetProperty("id").GetGuid(), byEmail.GetProperty("customer").GetProperty("id").GetGuid());
        Assert.Equal(customer.GetProperty("id").GetGuid(), byId.GetProperty("customer").GetProperty("id").GetGuid());
        Assert.Equal(2, (await _hub.ContextAsync("phone=%2B14155550123&limit=2")).Body.GetProperty("latestTouchpoints").GetArrayLength());
    }

    [Fact]
    public async Task Unknown_caller_is_404_missing_parameter_400_and_no_api_key_401()
    {
        var (unknown, problem) = await _hub.ContextAsync("phone=%2B14155550100");
        var (missing, _) = await _hub.ContextAsync("");
        var (invalid, _) = await _hub.ContextAsync("phone=12");
        using var anonymous = new HttpClient { BaseAddress = _hub.Embedded.Hub.BaseAddress };
        using var unauthorized = await anonymous.GetAsync(new Uri("api/context?phone=%2B14155550100", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.Equal("Customer not found", problem.GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, missing);
        Assert.Equal(HttpStatusCode.BadRequest, invalid);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Equal(JsonValueKind.Object, problem.ValueKind);
    }

    public async Task DisposeAsync() => await _hub.DisposeAsync();
}
