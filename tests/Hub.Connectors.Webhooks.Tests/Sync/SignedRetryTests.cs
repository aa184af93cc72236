using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Hub.Contracts.Connectors;
using Hub.Contracts.Customers;
using Hub.Infrastructure.Outbound;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static Hub.Connectors.Webhooks.Tests.WebhooksTestKit;

namespace Hub.Connectors.Webhooks.Tests.Sync;

/// <summary>
/// Customer changes through the hub's real outbound client (its retry honouring Retry-After) to a WireMock target:
/// every attempt carries its own webhook-timestamp, and a long Retry-After is handed back instead of waited for.
/// </summary>
public sealed class SignedRetryTests : IDisposable
{
    private readonly WireMockServer _target = WireMockServer.Start();

    // Each reading of the clock moves it on a minute: attempts made at once still get timestamps of their own.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero)) { AutoAdvanceAmount = TimeSpan.FromMinutes(1) };
    private readonly ServiceProvider _hub;
    private readonly ISyncTarget _connector;

    public SignedRetryTests()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hub:Outbound:AllowedNetworks:0"] = "127.0.0.0/8",
            ["Hub:Outbound:MaxRetryAttempts"] = "3",
            ["Hub:Outbound:RetryDelay"] = "00:00:00.010",
            ["Hub:Outbound:MaxRetryDelay"] = "00:00:30",
        }).Build();
        _hub = new ServiceCollection().AddHubOutboundHttp(configuration).BuildServiceProvider();
        _connector = (ISyncTarget)Connector(_time, _hub.GetRequiredService<IHttpClientFactory>());
    }

    private ConnectorInstance Target() => Instance(("Secret", SecretA), ("TargetUrl", $"http://127.0.0.1:{_target.Port}/hook"));

    private static CustomerUpdated Change() => new()
    {
        CustomerId = Guid.Parse("6f1d3c2a-8b4e-4f7a-9c0d-1e2f3a4b5c6d"),
        Version = 4,
        ChangedFields = ["name"],
        Customer = new CustomerSnapshot
        {
            Id = Guid.Parse("6f1d3c2a-8b4e-4f7a-9c0d-1e2f3a4b5c6d"),
            Version = 4,
            Identifiers = [],
            Fields = new Dictionary<string, CustomerFieldValue>(),
            CreatedAt = new DateTimeOffset(2026, 1, 5, 7, 0, 0, TimeSpan.Zero),
            UpdatedAt = new DateTimeOffset(2026, 1, 5, 7, 59, 0, TimeSpan.Zero),
        },
        OccurredAt = new DateTimeOffset(2026, 1, 5, 7, 59, 0, TimeSpan.Zero),
    };

    [Fact]
    public async Task Each_attempt_of_the_hub_retry_is_signed_with_its_own_timestamp()
    {
        _target.Given(WireMock.RequestBuilders.Request.Create().UsingPost()).InScenario("flaky").WillSetStateTo("up")
            .RespondWith(Response.Create().WithStatusCode(503).WithHeader("Retry-After", "0"));
        _target.Given(WireMock.RequestBuilders.Request.Create().UsingPost()).InScenario("flaky").WhenStateIs("up")
            .RespondWith(Response.Create().WithStatusCode(200));

        var result = await _connector.PushAsync(Change(), Target(), CancellationToken.None);

        Assert.True(result.Delivered, result.Detail);
        var attempts = Attempts();
        Assert.Equal(2, attempts.Count);
        Assert.Equal(attempts[0].Body, attempts[1].Body);
        Assert.Equal(attempts[0].Id, attempts[1].Id);
        Assert.True(long.Parse(attempts[1].Timestamp, CultureInfo.InvariantCulture) > long.Parse(attempts[0].Timestamp, CultureInfo.InvariantCulture),
            $"{attempts[0].Timestamp} then {attempts[1].Timestamp}");
        Assert.All(attempts, a => Assert.Equal(ExpectedSignature(a), a.Signature));
    }

    [Fact]
    public async Task A_Retry_After_beyond_the_longest_wait_hands_the_change_back_and_it_is_delivered_later_with_a_fresh_signature()
    {
        _target.Given(WireMock.RequestBuilders.Request.Create().UsingPost()).InScenario("limited").WillSetStateTo("free")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "330"));
        _target.Given(WireMock.RequestBuilders.Request.Create().UsingPost()).InScenario("limited").WhenStateIs("free")
            .RespondWith(Response.Create().WithStatusCode(200));
        // A guard, not a measurement: before the fix the call sat out the 330 s inside the HTTP client.
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(100));

        var handedBack = await Assert.ThrowsAsync<SyncTargetUnavailableException>(async () => await _connector.PushAsync(Change(), Target(), guard.Token));
        Assert.Single(Attempts());
        Assert.Equal(TimeSpan.FromSeconds(330), handedBack.RetryAfter);

        // The host's sync queue calls again once the wait is over (TargetBackOff).
        var result = await _connector.PushAsync(Change(), Target(), guard.Token);

        Assert.True(result.Delivered, result.Detail);
        var attempts = Attempts();
        Assert.Equal(2, attempts.Count);
        Assert.NotEqual(attempts[0].Timestamp, attempts[1].Timestamp);
        Assert.All(attempts, a => Assert.Equal(ExpectedSignature(a), a.Signature));
    }

    private List<Attempt> Attempts() => [.. _target.LogEntries.Select(e => e.RequestMessage!).Select(r => new Attempt(
        r.Headers!["webhook-id"].Single(), r.Headers["webhook-timestamp"].Single(), r.Headers["webhook-signature"].Single(), r.Body!))];

    /// <summary>Standard Webhooks: <c>v1,</c> base64 HMAC-SHA256 of <c>id.timestamp.body</c> under the secret.</summary>
    private static string ExpectedSignature(Attempt attempt)
    {
        var key = Convert.FromBase64String(SecretA["whsec_".Length..]);
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{attempt.Id}.{attempt.Timestamp}.{attempt.Body}")));
    }

    private sealed record Attempt(string Id, string Timestamp, string Signature, string Body);

    public void Dispose()
    {
        _hub.Dispose();
        _target.Dispose();
    }
}
