using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static Hub.Integration.Tests.Connectors.Salesforce.SalesforceHub;
using static Hub.Integration.Tests.Connectors.Twilio.TwilioHub;
using Request = WireMock.RequestBuilders.Request;

namespace Hub.Integration.Tests.Connectors.Twilio;

/// <summary>
/// One embedded hub for the tests of <see cref="OutboundSmsTests"/>, sending to a WireMock Twilio. Each test texts its
/// own person (<c>KnownCustomerAsync(n)</c>, n differing per test) and starts with a Twilio that has no answers and
/// no requests yet.
/// </summary>
public sealed class OutboundSmsHub : IAsyncLifetime
{
    private const string FromNumber = "+12125550147";

    public WireMockServer Twilio { get; } = WireMockServer.Start();

    internal TwilioHub Hub { get; private set; } = null!;

    public async Task InitializeAsync() => Hub = await TwilioHub.StartAsync(new Dictionary<string, string>
    {
        [$"Hub:Connectors:{InstanceId}:ApiBaseUrl"] = Twilio.Url!,
        [$"Hub:Connectors:{InstanceId}:FromNumber"] = FromNumber,
        ["Hub:Outbound:AllowedNetworks:0"] = "127.0.0.1/32",
    });

    public async Task DisposeAsync()
    {
        if (Hub is not null)
        {
            await Hub.DisposeAsync();
        }
        Twilio.Dispose();
    }
}

/// <summary>POST /api/customers/{id}/messages through a running hub to a WireMock Twilio: consent first, then the send, then the timeline.</summary>
public sealed class OutboundSmsTests : IClassFixture<OutboundSmsHub>
{
    private const string MessagesPath = $"/2010-04-01/Accounts/{AccountSid}/Messages.json";
    private readonly WireMockServer _twilio;
    private readonly TwilioHub _hub;

    public OutboundSmsTests(OutboundSmsHub fixture)
    {
        _twilio = fixture.Twilio;
        _twilio.Reset();
        _hub = fixture.Hub;
    }

    [Fact]
    public async Task A_text_goes_to_twilio_as_a_signed_in_form_and_lands_on_the_timeline_as_sent()
    {
        AnswerTwilio(201, "message-create-201.json", 23);
        var customerId = await KnownCustomerAsync(23);

        var (status, body) = await SendAsync(customerId, """{"connectorInstanceId":"tw1","text":"Your order shipped.","purpose":"service"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(MessageSid(23), body.GetProperty("messageId").GetString());
        Assert.Equal("+14155550123", body.GetProperty("to").GetString());
        var request = Assert.Single(_twilio.LogEntries).RequestMessage!;
        Assert.Equal(MessagesPath, request.Path);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}")), request.Headers!["Authorization"][0]);
        Assert.Equal("To=%2B14155550123&Body=Your+order+shipped.&From=%2B12125550147", request.Body);
        var sent = await EventuallyOnTimelineAsync(customerId, "sms.sent");
        Assert.Equal("outbound", sent.GetProperty("direction").GetString());
        Assert.Contains("Your order shipped.", sent.GetProperty("summary").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_customer_who_texted_stop_gets_nothing_and_the_block_is_on_the_timeline()
    {
        AnswerTwilio(201, "message-create-201.json", 51);
        var customerId = await KnownCustomerAsync(51);
        await _hub.PostAcceptedAsync(InboundSms("SM00000000000000000000000000000051", "STOP", Uri.EscapeDataString(Phone(51))));
        await EventuallyAsync(async () => (await ConsentAsync(customerId)) == "denied", "the opt-out on the customer");

        foreach (var purpose in new[] { "service", "marketing" })
        {
            var (status, problem) = await SendAsync(customerId, $$"""{"connectorInstanceId":"tw1","text":"Spring sale!","purpose":"{{purpose}}"}""");
            Assert.Equal(HttpStatusCode.Conflict, status);
            Assert.Contains("consent.sms", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Empty(_twilio.LogEntries);
        var blocked = await EventuallyOnTimelineAsync(customerId, "sms.blocked");
        Assert.Contains("consent.sms", blocked.GetProperty("summary").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_after_stop_lets_texts_through_again()
    {
        AnswerTwilio(201, "message-create-201.json", 61);
        var customerId = await KnownCustomerAsync(61);
        await _hub.PostAcceptedAsync(InboundSms("SM00000000000000000000000000000061", "STOP", Uri.EscapeDataString(Phone(61))));
        await EventuallyAsync(async () => (await ConsentAsync(customerId)) == "denied", "the opt-out");
        await _hub.PostAcceptedAsync(InboundSms("SM00000000000000000000000000000062", "START", Uri.EscapeDataString(Phone(61))));
        await EventuallyAsync(async () => (await ConsentAsync(customerId)) == "granted", "the opt-in");

        var (status, _) = await SendAsync(customerId, """{"connectorInstanceId":"tw1","text":"Welcome back."}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Single(_twilio.LogEntries);
    }

    [Fact]
    public async Task Too_many_requests_is_waited_out_and_the_text_sent_once()
    {
        _twilio.Given(Request.Create().WithPath(MessagesPath).UsingPost()).InScenario("busy").WillSetStateTo("calm")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "1").WithBody(Sample("error-429.json")));
        _twilio.Given(Request.Create().WithPath(MessagesPath).UsingPost()).InScenario("busy").WhenStateIs("calm")
            .RespondWith(Response.Create().WithStatusCode(201).WithBody(Sample("message-create-201.json", 40)));
        var customerId = await KnownCustomerAsync(40);

        var (status, _) = await SendAsync(customerId, """{"connectorInstanceId":"tw1","text":"Your order shipped."}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, _twilio.LogEntries.Count());
        await EventuallyOnTimelineAsync(customerId, "sms.sent");
    }

    [Fact]
    public async Task Twilios_unsubscribed_recipient_error_is_reported_and_blocks_the_next_text_before_it_leaves_the_hub()
    {
        AnswerTwilio(400, "error-21610.json", 41);
        var customerId = await KnownCustomerAsync(41);

        var (status, problem) = await SendAsync(customerId, """{"connectorInstanceId":"tw1","text":"Your order shipped."}""");
        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Equal("21610", problem.GetProperty("errorCode").GetString());
        await EventuallyOnTimelineAsync(customerId, "sms.failed");
        await EventuallyAsync(async () => (await ConsentAsync(customerId)) == "denied", "the opt-out Twilio reported");

        var (again, _) = await SendAsync(customerId, """{"connectorInstanceId":"tw1","text":"Your order shipped."}""");
        Assert.Equal(HttpStatusCode.Conflict, again);
        Assert.Single(_twilio.LogEntries);
    }

    [Fact]
    public async Task Bad_requests_are_refused_with_a_problem_naming_the_cause_and_send_nothing()
    {
        AnswerTwilio(201, "message-create-201.json", 30);
        var customerId = await KnownCustomerAsync(30);
        await _hub.SendSegmentAsync("""{"type":"identify","messageId":"out-no-phone","userId":"u-2","traits":{"email":"no.phone@example.com"}}""");
        await EventuallyAsync(async () => (await _hub.FindAsync("email=no.phone%40example.com")).Count == 1, "the customer without a phone");
        var withoutPhone = Assert.Single(await _hub.FindAsync("email=no.phone%40example.com")).GetProperty("id").GetGuid();

        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(customerId, """{"connectorInstanceId":"tw1"}""")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(customerId, """{"connectorInstanceId":"tw1","text":"Hi","purpose":"spam"}""")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(customerId, """{"connectorInstanceId":"crm1","text":"Hi"}""")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(Guid.NewGuid(), """{"connectorInstanceId":"tw1","text":"Hi"}""")).Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await SendAsync(withoutPhone, """{"connectorInstanceId":"tw1","text":"Hi"}""")).Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await SendAsync(customerId, """{"connectorInstanceId":"tw1","text":"Hi","to":"+14155550199"}""")).Status);
        using var anonymous = new HttpClient { BaseAddress = _hub.Client.BaseAddress };
        using var unauthorized = await anonymous.PostAsJsonAsync(new Uri($"api/customers/{customerId}/messages", UriKind.Relative), new { connectorInstanceId = "tw1", text = "Hi" });
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Empty(_twilio.LogEntries);
    }

    private static string Sample(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "formats", "twilio", name));

    /// <summary>
    /// The id Twilio gives the text to the <paramref name="person"/>: every message has its own, also apart from the
    /// inbound texts the tests post (SM000…0nn), so a sent text is never taken for one of those.
    /// </summary>
    private static string MessageSid(int person) => $"SMf{person:D31}";

    /// <summary>
    /// A Twilio answer about a text to the <paramref name="person"/>'s number: Twilio echoes the recipient (the sample's is
    /// +1 415 555 0123) and names the message with an id of its own (the sample's would make every test's text the same one).
    /// </summary>
    private static string Sample(string name, int person) => Sample(name)
        .Replace("+14155550123", Phone(person), StringComparison.Ordinal)
        .Replace("SM2339ee07a88e53c405b44776bac1ae38", MessageSid(person), StringComparison.Ordinal);

    private void AnswerTwilio(int status, string sample, int person) =>
        _twilio.Given(Request.Create().WithPath(MessagesPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(Sample(sample, person)));

    /// <summary>The number of the n-th test's person: +1 415 555 01nn.</summary>
    private static string Phone(int person) => $"+1415555{100 + person:D4}";

    /// <summary>A customer the CRM knows, with the number <see cref="Phone"/>(<paramref name="person"/>), a person of one test only.</summary>
    private async Task<Guid> KnownCustomerAsync(int person)
    {
        var phone = Phone(person);
        await _hub.SendSegmentAsync($$$"""
            {"type":"identify","messageId":"out-{{{person}}}","userId":"u-out-{{{person}}}","traits":{"email":"ana.ruiz.{{{person}}}@example.com","phone":"{{{phone}}}","name":"Ana Ruiz"}}
            """);
        var query = "phone=" + Uri.EscapeDataString(phone);
        await EventuallyAsync(async () => (await _hub.FindAsync(query)).Count == 1, "the customer");
        return Assert.Single(await _hub.FindAsync(query)).GetProperty("id").GetGuid();
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(Guid customerId, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await _hub.Client.PostAsync(new Uri($"api/customers/{customerId}/messages", UriKind.Relative), content);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private async Task<string?> ConsentAsync(Guid customerId)
    {
        var (_, context) = await _hub.ContextAsync($"customerId={customerId}");
        return context.GetProperty("consent").TryGetProperty("sms", out var sms) ? sms.GetProperty("value").GetString() : null;
    }

    private async Task<JsonElement> EventuallyOnTimelineAsync(Guid customerId, string type)
    {
        JsonElement found = default;
        await EventuallyAsync(async () =>
        {
            var timeline = await _hub.Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers/{customerId}/timeline", UriKind.Relative));
            found = timeline.GetProperty("items").EnumerateArray().FirstOrDefault(i => i.GetProperty("type").GetString() == type);
            return found.ValueKind == JsonValueKind.Object;
        }, $"a {type} touchpoint");
        return found;
    }
}
