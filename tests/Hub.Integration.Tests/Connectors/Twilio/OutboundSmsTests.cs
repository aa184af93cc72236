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

    /// <summary>A Twilio of its own for <see cref="BusyInstance"/>, so its circuit breaker (one per address) opens for no other test.</summary>
    public WireMockServer BusyTwilio { get; } = WireMockServer.Start();

    /// <summary>A Twilio of its own for <see cref="SlowInstance"/>.</summary>
    public WireMockServer SlowTwilio { get; } = WireMockServer.Start();

    /// <summary>Sends to a port nothing listens on.</summary>
    public const string DownInstance = "twdown";

    /// <summary>Sends to a loopback address outside Hub:Outbound:AllowedNetworks.</summary>
    public const string GuardedInstance = "twguarded";

    /// <summary>Neither FromNumber nor MessagingServiceSid: it receives, but cannot send.</summary>
    public const string SilentInstance = "twsilent";

    public const string BusyInstance = "twbusy";

    public const string SlowInstance = "twslow";

    /// <summary>Sends to <see cref="HangingUp"/>.</summary>
    public const string HangingUpInstance = "twhangup";

    /// <summary>A "Twilio" that reads the request, then closes the connection without an answer.</summary>
    public HangingUpServer HangingUp { get; } = new();

    /// <summary>Short, so a Twilio that does not answer is given up quickly.</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(3);

    internal TwilioHub Hub { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string>
        {
            [$"Hub:Connectors:{InstanceId}:ApiBaseUrl"] = Twilio.Url!,
            [$"Hub:Connectors:{InstanceId}:FromNumber"] = FromNumber,
            ["Hub:Outbound:AllowedNetworks:0"] = "127.0.0.1/32",
            ["Hub:Outbound:AttemptTimeout"] = AttemptTimeout.ToString(),
        };
        AddInstance(settings, DownInstance, $"http://127.0.0.1:{UnusedPort()}", FromNumber);
        AddInstance(settings, GuardedInstance, $"http://127.0.0.2:{new Uri(Twilio.Url!).Port}", FromNumber);
        AddInstance(settings, SilentInstance, Twilio.Url!, null);
        AddInstance(settings, BusyInstance, BusyTwilio.Url!, FromNumber);
        AddInstance(settings, SlowInstance, SlowTwilio.Url!, FromNumber);
        AddInstance(settings, HangingUpInstance, HangingUp.Url, FromNumber);
        Hub = await TwilioHub.StartAsync(settings);
    }

    private static void AddInstance(Dictionary<string, string> settings, string id, string apiBaseUrl, string? fromNumber)
    {
        settings[$"Hub:Connectors:{id}:Kind"] = "twilio";
        settings[$"Hub:Connectors:{id}:AccountSid"] = AccountSid;
        settings[$"Hub:Connectors:{id}:AuthToken"] = AuthToken;
        settings[$"Hub:Connectors:{id}:ApiBaseUrl"] = apiBaseUrl;
        if (fromNumber is not null)
        {
            settings[$"Hub:Connectors:{id}:FromNumber"] = fromNumber;
        }
    }

    private static int UnusedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task DisposeAsync()
    {
        if (Hub is not null)
        {
            await Hub.DisposeAsync();
        }
        Twilio.Dispose();
        BusyTwilio.Dispose();
        SlowTwilio.Dispose();
        await HangingUp.DisposeAsync();
    }
}

/// <summary>Takes each request whole (headers and body) and hangs up without a word, as a proxy or a provider crashing mid-answer does.</summary>
public sealed class HangingUpServer : IAsyncDisposable
{
    private readonly System.Net.Sockets.TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _requests;

    public HangingUpServer()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public int Requests => Volatile.Read(ref _requests);

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                var stream = client.GetStream();
                var received = new StringBuilder();
                var buffer = new byte[4096];
                while (!HasWholeRequest(received.ToString()))
                {
                    var read = await stream.ReadAsync(buffer, _stop.Token);
                    if (read == 0)
                    {
                        break;
                    }
                    received.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }
                Interlocked.Increment(ref _requests);
                client.Client.Close();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static bool HasWholeRequest(string received)
    {
        var end = received.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }
        var length = received[..end].Split("\r\n").FirstOrDefault(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        return length is null || received.Length - end - 4 >= int.Parse(length["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}

/// <summary>POST /api/customers/{id}/messages through a running hub to a WireMock Twilio: consent first, then the send, then the timeline.</summary>
public sealed class OutboundSmsTests : IClassFixture<OutboundSmsHub>
{
    private const string MessagesPath = $"/2010-04-01/Accounts/{AccountSid}/Messages.json";
    private readonly WireMockServer _twilio;
    private readonly OutboundSmsHub _fixture;
    private readonly TwilioHub _hub;

    public OutboundSmsTests(OutboundSmsHub fixture)
    {
        _fixture = fixture;
        _twilio = fixture.Twilio;
        _twilio.Reset();
        _hub = fixture.Hub;
    }

    [Fact]
    public async Task A_twilio_that_refuses_connections_is_503_with_retry_after_and_nothing_on_the_timeline()
    {
        var customerId = await KnownCustomerAsync(70);

        var (status, problem, retryAfter) = await SendReadingRetryAfterAsync(customerId, $$"""{"connectorInstanceId":"{{OutboundSmsHub.DownInstance}}","text":"Hi"}""");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("The provider cannot take the message now", problem.GetProperty("title").GetString());
        Assert.Equal(TimeSpan.FromSeconds(30), retryAfter);
        await AssertNothingSentOnTimelineAsync(customerId, 70);
    }

    [Fact]
    public async Task A_twilio_address_the_outbound_guard_refuses_is_502_naming_allowed_networks_and_nothing_on_the_timeline()
    {
        var customerId = await KnownCustomerAsync(71);

        var (status, problem, retryAfter) = await SendReadingRetryAfterAsync(customerId, $$"""{"connectorInstanceId":"{{OutboundSmsHub.GuardedInstance}}","text":"Hi"}""");

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Equal("The provider's address is not allowed", problem.GetProperty("title").GetString());
        Assert.Contains("Hub:Outbound:AllowedNetworks", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Null(retryAfter);
        Assert.Empty(_twilio.LogEntries);
        await AssertNothingSentOnTimelineAsync(customerId, 71);
    }

    [Fact]
    public async Task A_twilio_whose_circuit_breaker_opened_after_repeated_429s_is_503_with_the_break_as_retry_after()
    {
        _fixture.BusyTwilio.Given(Request.Create().WithPath(MessagesPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "0").WithBody(Sample("error-429.json")));
        var customerId = await KnownCustomerAsync(72);
        var json = $$"""{"connectorInstanceId":"{{OutboundSmsHub.BusyInstance}}","text":"Hi"}""";

        // Four attempts per send, ten failed attempts open the breaker: the third send meets it open.
        var answers = new List<(HttpStatusCode Status, JsonElement Problem, TimeSpan? RetryAfter)>();
        for (var send = 0; send < 4; send++)
        {
            answers.Add(await SendReadingRetryAfterAsync(customerId, json));
        }

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.ServiceUnavailable, a.Status));
        var broken = answers.First(a => a.Problem.GetProperty("detail").GetString()!.Contains("circuit breaker", StringComparison.Ordinal));
        Assert.Equal(TimeSpan.FromSeconds(30), broken.RetryAfter);
        await AssertNothingSentOnTimelineAsync(customerId, 72);
    }

    [Fact]
    public async Task A_twilio_that_does_not_answer_in_time_is_504_outcome_unknown_without_retry_after_and_unconfirmed_on_the_timeline()
    {
        _fixture.SlowTwilio.Given(Request.Create().WithPath(MessagesPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithDelay(OutboundSmsHub.AttemptTimeout * 3).WithBody(Sample("message-create-201.json", 73)));
        var customerId = await KnownCustomerAsync(73);

        var (status, problem, retryAfter) = await SendReadingRetryAfterAsync(customerId, $$"""{"connectorInstanceId":"{{OutboundSmsHub.SlowInstance}}","text":"Hi"}""");

        Assert.Equal(HttpStatusCode.GatewayTimeout, status);
        Assert.Equal("The provider may have received the message", problem.GetProperty("title").GetString());
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("Hub:Outbound:AttemptTimeout", detail, StringComparison.Ordinal);
        Assert.Contains("sms.unconfirmed", detail.Replace("<channel>", "sms", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("Nothing was sent", detail, StringComparison.Ordinal);
        Assert.Null(retryAfter);
        var unconfirmed = await EventuallyOnTimelineAsync(customerId, "sms.unconfirmed");
        Assert.Equal("outbound", unconfirmed.GetProperty("direction").GetString());
    }

    [Fact]
    public async Task A_twilio_that_drops_the_connection_after_the_request_is_504_outcome_unknown()
    {
        var customerId = await KnownCustomerAsync(75);

        var (status, problem, retryAfter) = await SendReadingRetryAfterAsync(customerId, $$"""{"connectorInstanceId":"{{OutboundSmsHub.HangingUpInstance}}","text":"Hi"}""");

        Assert.Equal(HttpStatusCode.GatewayTimeout, status);
        Assert.Equal("The provider may have received the message", problem.GetProperty("title").GetString());
        Assert.Null(retryAfter);
        Assert.Equal(1, _fixture.HangingUp.Requests);
        await EventuallyOnTimelineAsync(customerId, "sms.unconfirmed");
    }

    [Fact]
    public async Task A_blocked_send_is_no_reply_the_customer_still_waits_in_health_and_the_overview()
    {
        var customerId = await KnownCustomerAsync(76);
        await _hub.PostAcceptedAsync(InboundSms("SM00000000000000000000000000000076", "Where is my order?", Uri.EscapeDataString(Phone(76))));
        await EventuallyOnTimelineAsync(customerId, "sms.received");
        using (var consent = new StringContent("""{"channel":"sms","status":"denied"}""", Encoding.UTF8, "application/json"))
        {
            using var put = await _hub.Client.PutAsync(new Uri($"api/customers/{customerId}/consent", UriKind.Relative), consent);
            Assert.True(put.IsSuccessStatusCode, $"PUT consent answered {(int)put.StatusCode}");
        }
        await EventuallyAsync(async () => (await ConsentAsync(customerId)) == "denied", "the denial on the customer");

        var (status, _) = await SendAsync(customerId, """{"connectorInstanceId":"tw1","text":"It ships today."}""");

        Assert.Equal(HttpStatusCode.Conflict, status);
        await EventuallyOnTimelineAsync(customerId, "sms.blocked");
        var health = await _hub.Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers/{customerId}/health", UriKind.Relative));
        Assert.True(health.GetProperty("openIssues").GetProperty("unansweredMessages").GetInt32() == 1, health.ToString());
        Assert.Equal(0, health.GetProperty("responseTime").GetProperty("responses").GetInt32());
        Assert.Equal(0, health.GetProperty("contactsStarted").GetProperty("byCompany").GetInt32());
        var overview = await _hub.Client.GetFromJsonAsync<JsonElement>(new Uri("api/health/overview?limit=500", UriKind.Relative));
        Assert.Contains(overview.GetProperty("waiting").GetProperty("items").EnumerateArray(), i => i.GetProperty("customerId").GetGuid() == customerId);
    }

    [Fact]
    public async Task An_instance_without_a_from_number_or_messaging_service_is_400_and_nothing_is_sent_or_recorded()
    {
        AnswerTwilio(201, "message-create-201.json", 74);
        var customerId = await KnownCustomerAsync(74);

        var (status, problem) = await SendAsync(customerId, $$"""{"connectorInstanceId":"{{OutboundSmsHub.SilentInstance}}","text":"Hi"}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("FromNumber", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(_twilio.LogEntries);
        await AssertNothingSentOnTimelineAsync(customerId, 74);
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
        Assert.True(status == HttpStatusCode.BadGateway, problem.ToString());
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
        var (status, body, _) = await SendReadingRetryAfterAsync(customerId, json);
        return (status, body);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body, TimeSpan? RetryAfter)> SendReadingRetryAfterAsync(Guid customerId, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await _hub.Client.PostAsync(new Uri($"api/customers/{customerId}/messages", UriKind.Relative), content);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone(), response.Headers.RetryAfter?.Delta);
    }

    /// <summary>
    /// A text the customer sends afterwards reaches the timeline, and no outbound outcome (sent, failed, blocked) is
    /// there before it: the failed send recorded nothing.
    /// </summary>
    private async Task AssertNothingSentOnTimelineAsync(Guid customerId, int person)
    {
        await _hub.PostAcceptedAsync(InboundSms($"SM{person:D32}", "Any news?", Uri.EscapeDataString(Phone(person))));
        await EventuallyOnTimelineAsync(customerId, "sms.received");
        var timeline = await _hub.Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers/{customerId}/timeline", UriKind.Relative));
        Assert.DoesNotContain(timeline.GetProperty("items").EnumerateArray(), i => i.GetProperty("direction").GetString() == "outbound");
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
