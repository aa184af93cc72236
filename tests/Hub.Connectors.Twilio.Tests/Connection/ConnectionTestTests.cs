using System.Text;
using Hub.Connectors.Conformance;
using Hub.Contracts.Connectors;
using Microsoft.Extensions.DependencyInjection;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static Hub.Connectors.Twilio.Tests.TwilioTestKit;
using Request = WireMock.RequestBuilders.Request;

namespace Hub.Connectors.Twilio.Tests.Connection;

public sealed class ConnectionTestTests : IDisposable
{
    private const string AccountPath = $"/2010-04-01/Accounts/{AccountSid}.json";
    private readonly WireMockServer _twilio = WireMockServer.Start();

    [Fact]
    public async Task Accepted_credentials_pass_and_are_sent_as_basic_auth()
    {
        _twilio.Given(Request.Create().WithPath(AccountPath).UsingGet()).RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"sid":"AC","status":"active"}"""));

        var result = await TestAsync(new Uri(_twilio.Url!));

        Assert.Equal(ConnectionTestOutcome.Ok, result.Outcome);
        var sent = Assert.Single(_twilio.LogEntries).RequestMessage!;
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}")), sent.Headers!["Authorization"][0]);
    }

    [Fact]
    public async Task Refused_credentials_are_bad_settings_with_Twilios_error_code()
    {
        _twilio.Given(Request.Create().WithPath(AccountPath).UsingGet()).RespondWith(Response.Create().WithStatusCode(401)
            .WithBody("""{"code":20003,"message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}"""));

        var result = await TestAsync(new Uri(_twilio.Url!));

        Assert.Equal(ConnectionTestOutcome.BadSettings, result.Outcome);
        Assert.Contains("20003", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_answer_is_an_unreachable_system()
    {
        var result = await TestAsync(DirectHttpClientFactory.UnreachableUrl());

        Assert.Equal(ConnectionTestOutcome.Unreachable, result.Outcome);
    }

    public void Dispose() => _twilio.Dispose();

    private static ValueTask<ConnectionTestResult> TestAsync(Uri apiBaseUrl)
    {
        var services = new ServiceCollection();
        services.AddTwilioConnector();
        services.AddSingleton<IHttpClientFactory>(new DirectHttpClientFactory());
        var connector = Assert.IsAssignableFrom<IConnectionTester>(Assert.Single(services.BuildServiceProvider().GetServices<IConnector>()));
        return connector.TestAsync(Instance(("ApiBaseUrl", apiBaseUrl.ToString())), CancellationToken.None);
    }
}
