using System.Text;
using Hub.Connectors.Conformance;
using Hub.Connectors.Twilio.Outbound;
using Hub.Contracts.Connectors;
using Microsoft.Extensions.Time.Testing;
using Request = WireMock.RequestBuilders.Request;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static Hub.Connectors.Twilio.Tests.TwilioTestKit;

namespace Hub.Connectors.Twilio.Tests.Outbound;

/// <summary>The Messages API sender against a WireMock Twilio.</summary>
public sealed class MessageSenderTests : IDisposable
{
    private const string MessagesPath = $"/2010-04-01/Accounts/{AccountSid}/Messages.json";
    private readonly WireMockServer _twilio = WireMockServer.Start();
    private readonly FakeTimeProvider _time = new(Now);

    [Fact]
    public async Task Text_is_posted_as_a_form_with_basic_auth_and_reports_the_message_sid()
    {
        Answer(201, Sample("message-create-201.json"));

        var result = await Sender().SendAsync(Options(), "+14155550123", "Your appointment is Thursday.", CancellationToken.None);

        Assert.True(result.Delivered, result.Detail);
        Assert.StartsWith("SM", result.MessageSid, StringComparison.Ordinal);
        var request = Assert.Single(_twilio.LogEntries).RequestMessage!;
        Assert.Equal("POST", request.Method);
        Assert.StartsWith("application/x-www-form-urlencoded", request.Headers!["Content-Type"][0], StringComparison.Ordinal);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}")), request.Headers["Authorization"][0]);
        Assert.Equal("To=%2B14155550123&Body=Your+appointment+is+Thursday.&From=%2B12125550147", request.Body);
    }

    [Fact]
    public async Task A_messaging_service_sends_instead_of_a_from_number()
    {
        Answer(201, Sample("message-create-201.json"));

        await Sender().SendAsync(Options(("MessagingServiceSid", "MG9b1b37dfa97cda3f435a953463f7fc89")), "+14155550123", "Hi", CancellationToken.None);

        Assert.EndsWith("&MessagingServiceSid=MG9b1b37dfa97cda3f435a953463f7fc89", Assert.Single(_twilio.LogEntries).RequestMessage!.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Too_many_requests_waits_before_trying_again()
    {
        _twilio.Given(Request.Create().WithPath(MessagesPath).UsingPost()).InScenario("busy").WillSetStateTo("calm")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "3").WithBody(Sample("error-429.json")));
        _twilio.Given(Request.Create().WithPath(MessagesPath).UsingPost()).InScenario("busy").WhenStateIs("calm")
            .RespondWith(Response.Create().WithStatusCode(201).WithBody(Sample("message-create-201.json")));

        var sending = Sender().SendAsync(Options(), "+14155550123", "Hi", CancellationToken.None);
        await EventuallyAsync(() => _twilio.LogEntries.Count() == 1);
        _time.Advance(TimeSpan.FromSeconds(2));
        await Task.Delay(50);
        Assert.Single(_twilio.LogEntries);
        await AdvanceUntilDoneAsync(sending);
        var result = await sending;

        Assert.True(result.Delivered, result.Detail);
        Assert.Equal(2, _twilio.LogEntries.Count());
    }

    [Fact]
    public async Task Still_too_many_requests_after_the_retries_is_thrown_for_a_later_retry()
    {
        Answer(429, Sample("error-429.json"));

        var sending = Sender().SendAsync(Options(), "+14155550123", "Hi", CancellationToken.None);
        await AdvanceUntilDoneAsync(sending);

        var thrown = await Assert.ThrowsAsync<SyncTargetUnavailableException>(() => sending);
        Assert.Contains("20429", thrown.Message, StringComparison.Ordinal);
        Assert.Equal(4, _twilio.LogEntries.Count());
    }

    [Fact]
    public async Task An_unsubscribed_recipient_is_refused_with_Twilios_error_code_and_not_retried()
    {
        Answer(400, Sample("error-21610.json"));

        var result = await Sender().SendAsync(Options(), "+14155550123", "Hi", CancellationToken.None);

        Assert.False(result.Delivered);
        Assert.Equal(21610, result.ErrorCode);
        Assert.Contains("21610", result.Detail, StringComparison.Ordinal);
        Assert.Single(_twilio.LogEntries);
    }

    [Fact]
    public async Task An_instance_without_a_from_number_or_messaging_service_cannot_send_and_calls_no_twilio()
    {
        var connector = (IMessageSender)Connector();
        var silent = Instance(("ApiBaseUrl", _twilio.Url));

        var problem = connector.SendingProblem(silent);

        Assert.Contains("'FromNumber'", problem, StringComparison.Ordinal);
        Assert.Contains("'MessagingServiceSid'", problem, StringComparison.Ordinal);
        Assert.Null(connector.SendingProblem(Instance(("FromNumber", "+12125550147"))));
        Assert.Null(connector.SendingProblem(Instance(("MessagingServiceSid", "MG9b1b37dfa97cda3f435a953463f7fc89"))));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await connector.SendAsync(new OutboundMessage("+14155550123", "Hi"), silent, CancellationToken.None));
        Assert.Empty(_twilio.LogEntries);
    }

    public void Dispose() => _twilio.Dispose();

    private TwilioMessageSender Sender() => new(new DirectHttpClientFactory(), _time);

    private TwilioOptions Options(params (string Name, string? Value)[] extra) =>
        TwilioOptions.From(Instance([("ApiBaseUrl", _twilio.Url), ("FromNumber", "+12125550147"), .. extra]).Settings);

    private void Answer(int status, string body) =>
        _twilio.Given(Request.Create().WithPath(MessagesPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body));

    /// <summary>Moves the fake clock a second at a time until the send is over (a bounded number of steps).</summary>
    private async Task AdvanceUntilDoneAsync(Task sending)
    {
        for (var step = 0; step < 600 && !sending.IsCompleted; step++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10);
        }
        Assert.True(sending.IsCompleted, "The send did not finish.");
    }

    private static async Task EventuallyAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }
        Assert.True(condition());
    }
}
