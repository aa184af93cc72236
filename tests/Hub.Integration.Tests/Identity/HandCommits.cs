using System.Diagnostics.Metrics;
using Hub.Core.Identity;
using Hub.Core.MasterRecord;
using Hub.Infrastructure.Outbound;
using Hub.Infrastructure.Outbox;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.RelationshipHealth;
using Hub.Infrastructure.Resolution;
using Hub.Infrastructure.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hub.Integration.Tests.Identity;

/// <summary>A resolution transaction built as a hub process builds it, for tests that commit groups by hand.</summary>
internal static class HandCommits
{
    private static readonly ServiceProvider Meters = new ServiceCollection().AddMetrics().BuildServiceProvider();

    /// <summary>Without <paramref name="handover"/>, one no relay runs for: the outbox rows are written unclaimed.</summary>
    public static ResolutionCommit For(HubDbContext db, OutboxHandover? handover = null, TimeProvider? time = null) => new(
        db,
        new IdentityRules(),
        new SurvivorshipRules(),
        handover ?? new OutboxHandover(new OutboxSignal(), new OutboxOptions(), TimeProvider.System),
        new HubMetrics(Meters.GetRequiredService<IMeterFactory>(), new CircuitBreakerStates()),
        time ?? TimeProvider.System,
        NullLogger<ResolutionCommit>.Instance,
        RelationshipHealthOptions.Default);
}
