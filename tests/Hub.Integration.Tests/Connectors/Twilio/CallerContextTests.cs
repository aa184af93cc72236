using System.Net;
using System.Net.Http.Headers;
using System.Text;
using static Hub.Integration.Tests.Connectors.Salesforce.SalesforceHub;

namespace Hub.Integration.Tests.Connectors.Twilio;

/// <summary>
/// What the context knows beyond the timeline: the customer's open cases and consent, and the TwiML variant
/// that greets a known caller (and routes one with an open case).
/// </summary>
public sealed class CallerContextTests : IAsyncLifetime
{
    private const string Routed = """<Response><Say>Hello {name}, connecting you about your open case.</Say><Enqueue>support</Enqueue></Response>""";
    private TwilioHub _hub = null!;

    public async Task InitializeAsync() => _hub = await TwilioHub.StartAsync(new Dictionary<string, string>
    {
        ["Hub:Context:Twiml:KnownCallerWithOpenIssue"] = Routed,
    });

    [Fact]
    public async Task A_case_still_open_is_an_open_issue_and_a_closed_one_is_not()
    {
        await KnownCallerAsync("Mia <Lopez>");
        await SendCaseAsync("case-1-opened", "crm.case.opened", "https://acme.my.salesforce.com/5003000000D8cuI", "2026-03-01T09:00:00Z");
        await SendCaseAsync("case-2-opened", "crm.case.opened", "https://acme.my.salesforce.com/5003000000D8cuJ", "2026-03-01T10:00:00Z");
        await SendCaseAsync("case-2-closed", "crm.case.closed", "https://acme.my.salesforce.com/5003000000D8cuJ", "2026-03-02T10:00:00Z");
        await EventuallyAsync(async () => (await _hub.Embedded.TimelineTouchpointIdsAsync()).Count == 4, "the cases");

        var (_, context) = await _hub.ContextAsync("phone=%2B14155550123");

        var open = Assert.Single(context.GetProperty("openIssues").EnumerateArray());
        Assert.Equal("https://acme.my.salesforce.com/5003000000D8cuI", open.GetProperty("reference").GetString());
        Assert.Equal("Case 00001026 opened: Late delivery", open.GetProperty("summary").GetString());
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero), open.GetProperty("openedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task The_consent_a_customer_stated_by_sms_is_in_the_context_with_its_source()
    {
        await KnownCallerAsync("Mia Lopez");
        await _hub.PostAcceptedAsync(TwilioHub.InboundSms("SM00000000000000000000000000000071", "STOP"));
        await EventuallyAsync(async () => (await _hub.Embedded.TimelineTouchpointIdsAsync()).Count == 2, "the opt-out");

        var (_, context) = await _hub.ContextAsync("phone=%2B14155550123");

        var sms = context.GetProperty("consent").GetProperty("sms");
        Assert.Equal("denied", sms.GetProperty("value").GetString());
        Assert.Equal(TwilioHub.InstanceId, sms.GetProperty("source").GetString());
    }

    [Fact]
    public async Task Twiml_greets_a_known_caller_by_name_escaped_and_says_nothing_special_to_a_stranger()
    {
        await KnownCallerAsync("Mia <Lopez>");

        var known = await TwimlAsync("phone=%2B14155550123");
        var stranger = await TwimlAsync("phone=%2B14155550100");

        Assert.Equal("""<?xml version="1.0" encoding="UTF-8"?><Response><Say>Hello Mia &lt;Lopez&gt;, welcome back.</Say></Response>""", known);
        Assert.Equal(TwilioHub.EmptyTwiml, stranger);
    }

    [Fact]
    public async Task Twiml_routes_a_caller_with_an_open_case_when_posted_as_twilios_voice_webhook_with_basic_credentials()
    {
        await KnownCallerAsync("Mia Lopez");
        await SendCaseAsync("case-3-opened", "crm.case.opened", "https://acme.my.salesforce.com/5003000000D8cuK", "2026-03-01T09:00:00Z");
        await EventuallyAsync(async () => (await _hub.Embedded.TimelineTouchpointIdsAsync()).Count == 2, "the case");
        using var twilio = new HttpClient { BaseAddress = _hub.Client.BaseAddress };
        using var form = new FormUrlEncodedContent([new("CallSid", "CA00000000000000000000000000000072"), new("From", "+14155550123")]);

        using var challenged = await twilio.PostAsync(new Uri("api/context/twiml", UriKind.Relative), form);
        Assert.Equal(HttpStatusCode.Unauthorized, challenged.StatusCode);
        Assert.Contains(challenged.Headers.WwwAuthenticate, h => h.Scheme == "Basic");

        twilio.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"twilio:{_hub.Embedded.Hub.ApiKey}")));
        using var answered = await twilio.PostAsync(new Uri("api/context/twiml", UriKind.Relative), form);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal("text/xml", answered.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Routed.Replace("{name}", "Mia Lopez", StringComparison.Ordinal), await answered.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Twiml_does_not_route_a_caller_whose_case_was_updated_and_closed_at_the_same_instant()
    {
        await KnownCallerAsync("Mia Lopez");
        await SendCaseAsync("case-4-opened", "crm.case.opened", "https://acme.my.salesforce.com/5003000000D8cuL", "2026-03-01T09:00:00Z");
        await SendCaseAsync("case-4-updated", "crm.case.updated", "https://acme.my.salesforce.com/5003000000D8cuL", "2026-03-01T11:00:00Z");
        await EventuallyAsync(async () => (await _hub.Embedded.TimelineTouchpointIdsAsync()).Count == 3, "the case and its update");
        await SendCaseAsync("case-4-closed", "crm.case.closed", "https://acme.my.salesforce.com/5003000000D8cuL", "2026-03-01T11:00:00Z");
        await EventuallyAsync(async () => (await _hub.Embedded.TimelineTouchpointIdsAsync()).Count == 4, "the closing");

        Assert.Equal("""<?xml version="1.0" encoding="UTF-8"?><Response><Say>Hello Mia Lopez, welcome back.</Say></Response>""", await TwimlAsync("phone=%2B14155550123"));
    }

    [Fact]
    public async Task An_unescaped_plus_in_the_phone_query_is_read_as_the_plus_it_was_meant_to_be()
    {
        await _hub.SendSegmentAsync("""
            {"type":"identify","messageId":"cc-uk","userId":"u-uk","traits":{"phone":"+44 20 7183 8750","name":"Oliver Smith"}}
            """);
        await EventuallyAsync(async () => (await _hub.FindAsync("phone=%2B442071838750")).Count == 1, "the UK caller's customer");

        var (status, context) = await _hub.ContextAsync("phone=+442071838750");
        var twiml = await TwimlAsync("phone=+442071838750");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Oliver Smith", context.GetProperty("customer").GetProperty("fields").GetProperty("name").GetProperty("value").GetString());
        Assert.Equal("""<?xml version="1.0" encoding="UTF-8"?><Response><Say>Hello Oliver Smith, welcome back.</Say></Response>""", twiml);
    }

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    private async Task KnownCallerAsync(string name)
    {
        await _hub.SendSegmentAsync($$$"""
            {"type":"identify","messageId":"cc-1","userId":"u-9","traits":{"email":"mia.lopez@example.com","phone":"+1 415 555 0123","name":"{{{name}}}"}}
            """);
        await EventuallyAsync(async () => (await _hub.FindAsync("phone=%2B14155550123")).Count == 1, "the caller's customer");
    }

    /// <summary>A CRM case as the hub's own touchpoint CloudEvent, the way a helpdesk or CRM without a connector reports it.</summary>
    private async Task SendCaseAsync(string id, string type, string reference, string time)
    {
        var verb = type["crm.case.".Length..];
        var json = $$$"""
            {"specversion":"1.0","type":"io.hub.touchpoint","source":"https://acme.my.salesforce.com","id":"{{{id}}}","time":"{{{time}}}",
             "datacontenttype":"application/json",
             "data":{"channel":"crm","type":"{{{type}}}","direction":"inbound","identities":[{"type":"email","value":"mia.lopez@example.com"}],
                     "summary":"Case 00001026 {{{verb}}}: Late delivery","contentReference":"{{{reference}}}"}}
            """;
        using var response = await _hub.Embedded.Sender.SendAsync(json, contentType: "application/cloudevents+json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<string> TwimlAsync(string query)
    {
        using var response = await _hub.Client.GetAsync(new Uri($"api/context/twiml?{query}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
