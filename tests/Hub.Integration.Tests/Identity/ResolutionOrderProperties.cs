using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;
using Hub.Core.Identity;
using Hub.Integration.Tests.Hosting;

namespace Hub.Integration.Tests.Identity;

/// <summary>
/// The heart of the hub: the same touchpoints make the same customers, whatever order they arrive in
/// and however many processors apply them at once, with merges and merge protection in play.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class ResolutionOrderProperties
{
    private static readonly CustomerIdentifier[] Universe =
    [
        CustomerIdentifier.Email("a@example.org"), CustomerIdentifier.Email("b@example.org"),
        CustomerIdentifier.Email("c@example.org"), CustomerIdentifier.Email("d@example.org"),
        CustomerIdentifier.Phone("+12015550101"), CustomerIdentifier.Phone("+12015550102"),
        new("salesforce:contact", "S1"), new("salesforce:contact", "S2"), new("salesforce:contact", "S3"),
    ];

    private static readonly string[] Names = ["Jane Doe", "J. Doe", "Bob Roe"];

    public sealed record Scenario(TouchpointReceived[] Stream, int Seed, int Processors);

    public static Arbitrary<Scenario> Scenarios() =>
        (from count in Gen.Choose(2, 16)
         from picks in Gen.Choose(0, Universe.Length - 1).ArrayOf().Where(a => a.Length is > 0 and <= 3).ArrayOf(count)
         from minutes in Gen.Choose(0, 6).ArrayOf(count)
         from names in Gen.Choose(0, Names.Length - 1).ArrayOf(count)
         from seed in Gen.Choose(0, int.MaxValue)
         from processors in Gen.Choose(1, 4)
         select new Scenario([.. picks.Select((p, i) => Touchpoint(i, p, minutes[i], names[i]))], seed, processors)).ToArbitrary();

    [Property(Arbitrary = [typeof(ResolutionOrderProperties)], MaxTest = 40)]
    public void Any_order_and_any_split_over_one_to_four_processors_ends_in_the_same_customers(Scenario scenario) =>
        AssertOrderIndependent(scenario, new IdentityRules());

    [Property(Arbitrary = [typeof(ResolutionOrderProperties)], MaxTest = 25)]
    public void With_tight_limits_per_identifier_type_the_outcome_is_still_order_independent(Scenario scenario) =>
        AssertOrderIndependent(scenario, new IdentityRules { MaxPerType = { [IdentifierTypes.Email] = 2, [IdentifierTypes.Phone] = 1 } });

    private static void AssertOrderIndependent(Scenario scenario, IdentityRules rules)
    {
        var expected = Outcome(scenario.Stream.Select(t => (IReadOnlyList<TouchpointReceived>)[t]).ToList(), 1, rules);
        var random = new Random(scenario.Seed);
        var shuffled = (TouchpointReceived[])scenario.Stream.Clone();
        random.Shuffle(shuffled);
        var batches = new List<IReadOnlyList<TouchpointReceived>>();
        for (var i = 0; i < shuffled.Length;)
        {
            var size = random.Next(1, 5);
            batches.Add(shuffled[i..Math.Min(shuffled.Length, i + size)]);
            i += size;
        }
        var actual = Outcome(batches, scenario.Processors, rules);
        var stream = string.Join(Environment.NewLine, scenario.Stream.Select(t =>
            $"{t.SourceEventId} {t.OccurredAt:HH:mm} [{string.Join(", ", t.Identities)}] {t.ProfileFacts["name"]}"));
        Assert.True(expected == actual,
            $"Stream:{Environment.NewLine}{stream}{Environment.NewLine}Applied as {string.Join(" ", batches.Select(b => "(" + string.Join(",", b.Select(t => t.SourceEventId)) + ")"))} over {scenario.Processors} processor(s)." +
            $"{Environment.NewLine}In stream order:{Environment.NewLine}{expected}{Environment.NewLine}Shuffled:{Environment.NewLine}{actual}");
    }

    private static string Outcome(IReadOnlyList<IReadOnlyList<TouchpointReceived>> batches, int processors, IdentityRules rules)
    {
        using var harness = new ResolverHarness { Rules = rules };
        var lanes = Enumerable.Range(0, processors)
            .Select(p => (IReadOnlyList<IReadOnlyList<TouchpointReceived>>)[.. batches.Where((_, i) => i % processors == p)])
            .ToList();
        harness.RunAsync(lanes).GetAwaiter().GetResult();
        return harness.ShapeAsync().GetAwaiter().GetResult();
    }

    private static TouchpointReceived Touchpoint(int n, int[] picks, int minute, int name)
    {
        var at = new DateTimeOffset(2026, 1, 1, 9, minute, 0, TimeSpan.Zero);
        return new TouchpointReceived
        {
            TouchpointId = TouchpointIds.From("crm1", $"e{n}"),
            ConnectorInstanceId = "crm1",
            SourceEventId = $"e{n}",
            Channel = TouchpointChannels.Crm,
            Type = "profile.identified",
            OccurredAt = at,
            ReceivedAt = at,
            Identities = [.. picks.Select(p => Universe[p]).Distinct()],
            ProfileFacts = new Dictionary<string, string> { ["name"] = Names[name] },
        };
    }
}
