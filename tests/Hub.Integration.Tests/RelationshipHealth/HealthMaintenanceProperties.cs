using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;
using Hub.Core.Identity;
using Hub.Core.RelationshipHealth;
using Hub.Integration.Tests.Hosting;
using Hub.Integration.Tests.Identity;
using Microsoft.EntityFrameworkCore;

namespace Hub.Integration.Tests.RelationshipHealth;

/// <summary>
/// Through the hub's real resolver on SQLite: whatever order the touchpoints arrive in, however they are batched
/// and spread over processors, with merges, merge protection replays and redeliveries, every customer's stored
/// health equals the definition computed from scratch over the timeline entries that customer ends up with.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class HealthMaintenanceProperties
{
    private static readonly CustomerIdentifier[] Universe =
    [
        CustomerIdentifier.Email("a@example.org"), CustomerIdentifier.Email("b@example.org"), CustomerIdentifier.Email("c@example.org"),
        CustomerIdentifier.Phone("+12015550101"), CustomerIdentifier.Phone("+12015550102"),
    ];

    private static readonly (string Channel, string Type, TouchpointDirection Direction)[] Kinds =
    [
        ("sms", "sms.received", TouchpointDirection.Inbound),
        ("sms", "sms.sent", TouchpointDirection.Outbound),
        ("email", "email.received", TouchpointDirection.Inbound),
        ("email", "email.sent", TouchpointDirection.Outbound),
        ("phone", "call.missed", TouchpointDirection.Inbound),
        ("phone", "call.completed", TouchpointDirection.Outbound),
        ("crm", "crm.case.opened", TouchpointDirection.Inbound),
        ("crm", "crm.case.closed", TouchpointDirection.None),
        ("crm", "profile.identified", TouchpointDirection.None),
    ];

    public sealed record Scenario(TouchpointReceived[] Stream, int Seed, int Processors);

    public static Arbitrary<Scenario> Scenarios() =>
        (from count in Gen.Choose(2, 18)
         from picks in Gen.Choose(0, Universe.Length - 1).ArrayOf().Where(a => a.Length is > 0 and <= 2).ArrayOf(count)
         from kinds in Gen.Choose(0, Kinds.Length - 1).ArrayOf(count)
         from minutes in Gen.Choose(0, 20).ArrayOf(count)
         from cases in Gen.Choose(0, 1).ArrayOf(count)
         from seed in Gen.Choose(0, int.MaxValue)
         from processors in Gen.Choose(1, 3)
         select new Scenario([.. picks.Select((p, i) => Touchpoint(i, p, Kinds[kinds[i]], minutes[i], cases[i]))], seed, processors)).ToArbitrary();

    [Property(Arbitrary = [typeof(HealthMaintenanceProperties)], MaxTest = 20)]
    public void Stored_health_equals_the_definition_over_each_customers_timeline_in_any_arrival_order(Scenario scenario) =>
        AssertHealthMatchesTimeline(scenario, new IdentityRules());

    [Property(Arbitrary = [typeof(HealthMaintenanceProperties)], MaxTest = 15)]
    public void With_merge_protection_replays_the_stored_health_still_equals_the_definition(Scenario scenario) =>
        AssertHealthMatchesTimeline(scenario, new IdentityRules { MaxPerType = { [IdentifierTypes.Email] = 1 } });

    private static void AssertHealthMatchesTimeline(Scenario scenario, IdentityRules rules)
    {
        using var harness = new ResolverHarness { Rules = rules };
        var random = new Random(scenario.Seed);
        var shuffled = scenario.Stream.Concat(scenario.Stream.Where(_ => random.Next(4) == 0)).ToArray();
        random.Shuffle(shuffled);
        var batches = new List<IReadOnlyList<TouchpointReceived>>();
        for (var i = 0; i < shuffled.Length;)
        {
            var size = random.Next(1, 5);
            batches.Add(shuffled[i..Math.Min(shuffled.Length, i + size)]);
            i += size;
        }
        var lanes = Enumerable.Range(0, scenario.Processors)
            .Select(p => (IReadOnlyList<IReadOnlyList<TouchpointReceived>>)[.. batches.Where((_, i) => i % scenario.Processors == p)])
            .ToList();
        harness.RunAsync(lanes).GetAwaiter().GetResult();

        using var db = harness.Open();
        var customers = db.Customers.AsNoTracking().Where(c => c.MergedIntoId == null).Select(c => c.Id).ToList();
        var timeline = db.Timeline.AsNoTracking().ToList().ToLookup(t => t.CustomerId);
        var stored = db.CustomerHealth.AsNoTracking().ToDictionary(h => h.CustomerId);
        Assert.Empty(stored.Keys.Except(customers));
        foreach (var customer in customers)
        {
            var expected = HealthDefinition.Compute(timeline[customer].Select(t =>
                HealthTouchpoint.Of(t.Channel, t.Type, t.Direction, t.OccurredAt, t.ContentReference, t.SourceEventId)));
            Assert.True(stored.TryGetValue(customer, out var row), $"Customer {customer} has no health row.");
            var actual = HealthState.Decode(row.State).Summarize();
            Assert.Equal(JsonSerializer.Serialize(expected), JsonSerializer.Serialize(actual));
            Assert.Equal(expected.WaitingSince, row.WaitingSince);
            Assert.Equal(expected.UnansweredMessages, row.UnansweredMessages);
            Assert.Equal(expected.OpenCases.Count, row.OpenCases);
        }
    }

    private static TouchpointReceived Touchpoint(int n, int[] picks, (string Channel, string Type, TouchpointDirection Direction) kind, int minute, int caseNumber)
    {
        var at = new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero).AddMinutes(minute * 13);
        return new TouchpointReceived
        {
            TouchpointId = TouchpointIds.From("crm1", $"e{n}"),
            ConnectorInstanceId = "crm1",
            SourceEventId = $"e{n}",
            Channel = kind.Channel,
            Type = kind.Type,
            Direction = kind.Direction,
            OccurredAt = at,
            ReceivedAt = at,
            Identities = [.. picks.Select(p => Universe[p]).Distinct()],
            ContentReference = kind.Type.StartsWith("crm.case.", StringComparison.Ordinal) ? $"https://crm.example.com/case/{caseNumber}" : null,
        };
    }
}
