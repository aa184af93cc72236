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

/// <summary>POST /api/customers/{id}/messages through a running hub to a WireMock Twilio: consent first, then the send, then the timeline.</summary>
public sealed class OutboundSmsTests : IAsyncLifetime
{
    private const string MessagesPath = $"/2010-04-01/Accounts/{AccountSid}/Messages.json";
    private const string FromNumber = "+12125550147";
    private readonly WireMockServer _twilio = WireMockServer.Start();
    private TwilioHub _hub = null!;

    public async Task InitializeAsync() => _hub = await TwilioHub.StartAsync(new Dictionary<string, string>
    {
        [$"Hub:Connectors:{InstanceId}:ApiBaseUrl"] = _twilio.Url!,
        [$"Hub:Connectors:{InstanceId}:FromNumber"] = FromNumber,
        ["Hub:Outbound:AllowedNetworks:0"] = "127.0.0.1/32",
    });

    [Fact]
    public async Task A_text_goes_to_twilio_as_a_signed_in_form_and_lands_on_the_timeline_as_sent()
    {
        AnswerTwilio(201, "message-create-201.json");
        var customerId = await KnownCustomerAsync();

        var (status, body) = await SendAsync(customerId, """{"connectorInstanceId":"tw1","text":"Your order shipped.","purpose":"service"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("SM2339ee07a88e53c405b44776bac1ae38", body.GetProperty("messageId").GetString());
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
        AnswerTwilio(201, "message-create-201.json");
        var customerId = await KnownCustomerAsync();
        await _hub.PostAcceptedAsync(InboundSms("SM00000000000000000000000000000051", "STOP"));
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
        AnswerTwilio(201, "message-create-201.json");
        var customerId = await KnownCustomerAsync();
        await _hub.PostAcceptedAsync(InboundSms("SM00000000000000000000000000000061", "STOP"));
        await EventuallyAsync(async () => (await ConsentAsync(customerId)) == "denied", "the opt-out");
        await _hub.PostAcceptedAsync(InboundSms("SM00000000000000000000000000000062", "START"));
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
            .RespondWith(Response.Create().WithStatusCode(201).WithBody(Sample("message-create-201.json")));
        var customerId = await KnownCustomerAsync();

        var (status, _) = await SendAsync(customerId, """{"connectorInstanceId":"tw1","text":"Your order shipped."}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, _twilio.LogEntries.Count());
        await EventuallyOnTimelineAsync(customerId, "sms.sent");
    }

    [Fact]
    public async Task Twilios_unsubscribed_recipient_error_is_reported_and_blocks_the_next_text_before_it_leaves_the_hub()
    {
        AnswerTwilio(400, "error-21610.json");
        var customerId = await KnownCustomerAsync();

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
        AnswerTwilio(201, "message-create-201.json");
        var customerId = await KnownCustomerAsync();
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

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        _twilio.Dispose();
    }

    private static string Sample(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "formats", "twilio", name));

    private void AnswerTwilio(int status, string sample) =>
        _twilio.Given(Request.Create().WithPath(MessagesPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(Sample(sample)));

    /// <summary>A customer the CRM knows with the number +1 415 555 0123.</summary>
    private async Task<Guid> KnownCustomerAsync()
    {
        await _hub.SendSegmentAsync("""
            {"type":"identify","messageId":"out-1","userId":"u-1","traits":{"email":"ana.ruiz@example.com","phone":"+1 415 555 0123","name":"Ana Ruiz"}}
            """);
        await EventuallyAsync(async () => (await _hub.FindAsync("phone=%2B14155550123")).Count == 1, "the customer");
        return Assert.Single(await _hub.FindAsync("phone=%2B14155550123")).GetProperty("id").GetGuid();
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
