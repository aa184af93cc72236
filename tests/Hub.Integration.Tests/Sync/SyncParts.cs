using System.Diagnostics.Metrics;
using Hub.Contracts.Customers;
using Hub.Contracts.Touchpoints;
using Hub.Core.Identity;
using Hub.Infrastructure.Ingress;
using Hub.Infrastructure.Outbound;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Sync;
using Hub.Infrastructure.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hub.Integration.Tests.Sync;

/// <summary>The sync pieces built by hand on one context, as a consumer's scope would build them, and customer changes to give them.</summary>
internal static class SyncParts
{
    /// <summary><paramref name="services"/> gives the meter factory (<c>AddMetrics</c>).</summary>
    public static SyncCheckpoints Checkpoints(HubDbContext db, IServiceProvider services)
    {
        var identifiers = new IdentifierNormalizer("US");
        var links = new ExternalIdentifierLinks(identifiers, new TouchpointNormalizer(identifiers), new NoIngress(), TimeProvider.System,
            NullLogger<ExternalIdentifierLinks>.Instance);
        return new SyncCheckpoints(db, links, Metrics(services), TimeProvider.System, NullLogger<SyncCheckpoints>.Instance);
    }

    public static HubMetrics Metrics(IServiceProvider services) =>
        new(services.GetRequiredService<IMeterFactory>(), new CircuitBreakerStates());

    /// <summary>Version <paramref name="version"/> of a customer with no identifiers and no fields, changed by <paramref name="source"/>.</summary>
    public static CustomerUpdated Change(Guid customerId, long version, string source, string field) => new()
    {
        CustomerId = customerId,
        Version = version,
        ChangedFields = [field],
        Customer = new CustomerSnapshot
        {
            Id = customerId,
            Version = version,
            Identifiers = [],
            Fields = new Dictionary<string, CustomerFieldValue>(),
            CreatedAt = DateTimeOffset.UnixEpoch,
            UpdatedAt = DateTimeOffset.UnixEpoch,
        },
        SourceConnectorInstanceId = source,
        OccurredAt = DateTimeOffset.UnixEpoch,
    };

    /// <summary>A target that reports no identifier links nothing: no touchpoint reaches the ingress.</summary>
    internal sealed class NoIngress : ITouchpointIngress
    {
        public Task AcceptAsync(IReadOnlyList<TouchpointReceived> touchpoints, CancellationToken cancellationToken) => touchpoints.Count == 0
            ? Task.CompletedTask
            : throw new InvalidOperationException("These tests' targets report no identifiers: nothing is linked.");
    }
}
