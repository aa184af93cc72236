using System.Net;
using System.Net.Sockets;
using Hub.Contracts.Connectors;
using Hub.Infrastructure.FailedMessages;
using Hub.Integration.Tests.Outbound;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Hub.Integration.Tests.FailedMessages;

/// <summary>
/// Which failed rows the automatic replay after an outage takes, judged on what a row records of the exception: the
/// exceptions are made by the hub's real outbound client (a closed port, an open circuit breaker, a timeout, the guard),
/// recorded as <see cref="FailedMessage"/> records them.
/// </summary>
public sealed class OutageFailuresTests : IDisposable
{
    private readonly WireMockServer _target = WireMockServer.Start();

    private static Dictionary<string, string?> Allowed => new()
    {
        ["Hub:Outbound:AllowedNetworks:0"] = "127.0.0.0/8",
        ["Hub:Outbound:MaxRetryAttempts"] = "0",
    };

    [Fact]
    public async Task A_target_refusing_connections_is_an_outage()
    {
        var exception = await PostFailureAsync(Allowed, new Uri($"http://127.0.0.1:{ClosedPort()}/hook"));

        Assert.IsType<HttpRequestException>(exception);
        Assert.True(IsOutage(exception), Recorded(exception));
    }

    [Fact]
    public async Task An_open_circuit_breaker_is_an_outage()
    {
        _target.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(503));
        var settings = new Dictionary<string, string?>(Allowed)
        {
            ["Hub:Outbound:CircuitBreakerMinimumThroughput"] = "2",
            ["Hub:Outbound:CircuitBreakerBreakDuration"] = "00:05:00",
        };
        var (client, services) = OutboundClient.Create(settings);
        Exception? exception = null;
        using (services)
        {
            for (var call = 0; call < 10 && exception is null; call++)
            {
                try
                {
                    using var response = await client.PostAsync(new Uri($"http://127.0.0.1:{_target.Port}/hook"), new StringContent("{}"));
                }
                catch (Exception e)
                {
                    exception = e;
                }
            }
        }

        Assert.IsType<Polly.CircuitBreaker.BrokenCircuitException>(exception);
        Assert.True(IsOutage(exception), Recorded(exception));
    }

    [Fact]
    public async Task A_target_answering_too_late_is_an_outage()
    {
        _target.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(5)));
        var settings = new Dictionary<string, string?>(Allowed) { ["Hub:Outbound:AttemptTimeout"] = "00:00:00.200" };

        var exception = await PostFailureAsync(settings, new Uri($"http://127.0.0.1:{_target.Port}/hook"));

        Assert.IsType<Polly.Timeout.TimeoutRejectedException>(exception);
        Assert.True(IsOutage(exception), Recorded(exception));
    }

    [Fact]
    public async Task An_address_the_outbound_guard_refuses_is_no_outage()
    {
        var exception = await PostFailureAsync(new() { ["Hub:Outbound:MaxRetryAttempts"] = "0" }, new Uri($"http://127.0.0.1:{_target.Port}/hook"));

        Assert.True(OutboundClient.WasRefusedAsInternal(exception));
        Assert.False(IsOutage(exception), Recorded(exception));
    }

    /// <summary>What the connectors throw, as they word it (webhooks, Salesforce, remote connectors, Salesforce's token request).</summary>
    [Theory]
    [InlineData("target answered 503", true)]
    [InlineData("target answered 429", true)]
    [InlineData("Salesforce answered 500: no error body", true)]
    [InlineData("No replica of the remote connector took the change: http://10.0.0.5:8080/ answered 502; http://10.0.0.6:8080/: Connection refused (10.0.0.6:8080)", true)]
    [InlineData("The token endpoint answered 404.", false)]
    [InlineData("Response status code does not indicate success: 400 (Bad Request).", false)]
    public void An_HTTP_failure_is_an_outage_unless_the_system_answered_a_refusal(string message, bool outage) =>
        Assert.Equal(outage, IsOutage(new HttpRequestException(message)));

    [Fact]
    public void A_target_asking_to_wait_past_the_budget_is_an_outage_one_gone_or_refusing_the_login_is_not()
    {
        Assert.True(IsOutage(new SyncTargetUnavailableException("target answered 503, asking to wait 600 s", TimeSpan.FromMinutes(10))));
        Assert.False(IsOutage(new SyncTargetGoneException("target http://127.0.0.1:1/hub-events answered 410 Gone at 2026-12-06 10:00:00Z")));
        Assert.False(IsOutage(new InvalidOperationException("Sync target 'crm2' returned 1 results for 2 changes.")));
    }

    public void Dispose() => _target.Dispose();

    private static bool IsOutage(Exception? exception) =>
        OutageFailures.IsOutage(FailedMessage.ExceptionTypeOf(exception!), FailedMessage.ReasonOf(exception!));

    private static string Recorded(Exception? exception) => $"{FailedMessage.ExceptionTypeOf(exception!)}: {FailedMessage.ReasonOf(exception!)}";

    private static async Task<Exception> PostFailureAsync(Dictionary<string, string?> settings, Uri url)
    {
        var (client, services) = OutboundClient.Create(settings);
        using (services)
        {
            return await Assert.ThrowsAnyAsync<Exception>(async () =>
            {
                using var response = await client.PostAsync(url, new StringContent("{}"));
            });
        }
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
