using System.Net;
using Polly.CircuitBreaker;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Hub.Integration.Tests.Outbound;

/// <summary>The outbound pipeline retries transient failures and stops hammering a target that stays down.</summary>
public sealed class OutboundResilienceTests : IDisposable
{
    private readonly WireMockServer _target = WireMockServer.Start();

    private static Dictionary<string, string?> Settings => new()
    {
        ["Hub:Outbound:AllowedNetworks:0"] = "127.0.0.0/8",
        ["Hub:Outbound:MaxRetryAttempts"] = "2",
        ["Hub:Outbound:RetryDelay"] = "00:00:00.010",
        ["Hub:Outbound:CircuitBreakerMinimumThroughput"] = "5",
        ["Hub:Outbound:CircuitBreakerBreakDuration"] = "00:05:00",
    };

    [Fact]
    public async Task A_target_answering_503_then_200_is_retried_until_it_succeeds()
    {
        _target.Given(Request.Create().UsingPost()).InScenario("flaky").WillSetStateTo("up")
            .RespondWith(Response.Create().WithStatusCode(503).WithHeader("Retry-After", "0"));
        _target.Given(Request.Create().UsingPost()).InScenario("flaky").WhenStateIs("up")
            .RespondWith(Response.Create().WithStatusCode(200));
        var (client, services) = OutboundClient.Create(Settings);
        using (services)
        {
            using var response = await client.PostAsync(new Uri($"http://127.0.0.1:{_target.Port}/hook"), new StringContent("{}"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal(2, _target.LogEntries.Count());
    }

    [Fact]
    public async Task A_Retry_After_longer_than_the_longest_retry_wait_is_answered_at_once_not_waited_for()
    {
        _target.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "330"));
        var (client, services) = OutboundClient.Create(new(Settings) { ["Hub:Outbound:MaxRetryDelay"] = "00:00:30" });
        // A guard, not a measurement: before the fix the client sat out the 330 s, then sent the same request again.
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(100));
        using (services)
        {
            using var response = await client.PostAsync(new Uri($"http://127.0.0.1:{_target.Port}/hook"), new StringContent("{}"), guard.Token);
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(330), response.Headers.RetryAfter?.Delta);
        }
        Assert.Single(_target.LogEntries);
    }

    [Fact]
    public async Task Before_each_attempt_is_called_for_the_first_attempt_and_every_retry()
    {
        _target.Given(Request.Create().UsingPost()).InScenario("flaky").WillSetStateTo("up")
            .RespondWith(Response.Create().WithStatusCode(503).WithHeader("Retry-After", "0"));
        _target.Given(Request.Create().UsingPost()).InScenario("flaky").WhenStateIs("up")
            .RespondWith(Response.Create().WithStatusCode(200));
        var (client, services) = OutboundClient.Create(Settings);
        var attempt = 0;
        using (services)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"http://127.0.0.1:{_target.Port}/hook")) { Content = new StringContent("{}") };
            request.Options.Set(Hub.Contracts.Connectors.HubHttpClients.BeforeEachAttempt, r =>
            {
                r.Headers.Remove("x-attempt");
                r.Headers.Add("x-attempt", (++attempt).ToString(System.Globalization.CultureInfo.InvariantCulture));
            });
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal(["1", "2"], _target.LogEntries.Select(e => e.RequestMessage!.Headers!["x-attempt"].Single()));
    }

    [Fact]
    public async Task The_self_paced_client_leaves_a_429_to_its_caller_and_still_refuses_internal_addresses()
    {
        _target.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "0"));
        var (client, services) = OutboundClient.Create(Settings, Hub.Contracts.Connectors.HubHttpClients.OutboundSelfPaced);
        var (guarded, guardedServices) = OutboundClient.Create([], Hub.Contracts.Connectors.HubHttpClients.OutboundSelfPaced);
        using (services)
        using (guardedServices)
        {
            using var response = await client.PostAsync(new Uri($"http://127.0.0.1:{_target.Port}/hook"), new StringContent("{}"));
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            var refused = await Assert.ThrowsAnyAsync<Exception>(() => guarded.PostAsync(new Uri($"http://127.0.0.1:{_target.Port}/hook"), new StringContent("{}")));
            Assert.True(OutboundClient.WasRefusedAsInternal(refused), refused.ToString());
        }
        Assert.Single(_target.LogEntries);
    }

    [Fact]
    public async Task A_target_that_stays_down_trips_the_circuit_breaker_and_gets_no_more_requests()
    {
        _target.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(503));
        var (client, services) = OutboundClient.Create(Settings);
        var broken = 0;
        using (services)
        {
            for (var i = 0; i < 20; i++)
            {
                try
                {
                    using var response = await client.PostAsync(new Uri($"http://127.0.0.1:{_target.Port}/hook"), new StringContent("{}"));
                    Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                }
                catch (BrokenCircuitException)
                {
                    broken++;
                }
            }
        }
        // Five failed attempts (the minimum throughput, all failures) open the circuit; the rest never leave the hub.
        Assert.Equal(5, _target.LogEntries.Count());
        Assert.True(broken >= 18, $"calls refused by the open circuit: {broken}");
    }

    public void Dispose() => _target.Dispose();
}
