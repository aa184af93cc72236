using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Hub.Contracts.Identity;
using Hub.Core.Identity;
using Hub.Core.Identity.Resolution;

namespace Hub.Core.Tests.Identity.Resolution;

/// <summary>Customers are a function of the set of links: arrival order does not matter.</summary>
public sealed class IdentityReplayProperties
{
    private static readonly CustomerIdentifier[] Universe =
    [
        CustomerIdentifier.Email("a@example.org"), CustomerIdentifier.Email("b@example.org"), CustomerIdentifier.Email("c@example.org"),
        CustomerIdentifier.Phone("+12015550101"), CustomerIdentifier.Phone("+12015550102"),
        new("salesforce:contact", "S1"), new("salesforce:contact", "S2"), new("salesforce:contact", "S3"),
    ];

    public static Arbitrary<IdentityLink[]> Links() =>
        (from count in Gen.Choose(1, 14)
         from picks in Gen.Choose(0, Universe.Length - 1).ArrayOf().Where(a => a.Length is > 0 and <= 3).ArrayOf(count)
         from minutes in Gen.Choose(0, 5).ArrayOf(count)
         select picks.Select((p, i) => new IdentityLink(
             new Guid(i + 1, 0, 0, new byte[8]), new DateTimeOffset(2026, 1, 1, 0, minutes[i], 0, TimeSpan.Zero),
             [.. p.Select(x => Universe[x]).Distinct()])).ToArray()).ToArbitrary();

    [Property(Arbitrary = [typeof(IdentityReplayProperties)], MaxTest = 200)]
    public bool Any_permutation_of_the_links_makes_the_same_customers(IdentityLink[] links, int seed)
    {
        var shuffled = (IdentityLink[])links.Clone();
        new Random(seed).Shuffle(shuffled);
        return Shape(links, []) == Shape(shuffled, []);
    }

    [Property(Arbitrary = [typeof(IdentityReplayProperties)], MaxTest = 200)]
    public bool No_customer_holds_both_sides_of_an_admins_split_whatever_the_order_and_times_of_the_links(IdentityLink[] links, int seed)
    {
        var separation = new Separation(new HashSet<CustomerIdentifier> { Universe[0], Universe[5] }, new HashSet<CustomerIdentifier> { Universe[3] });
        var shuffled = (IdentityLink[])links.Clone();
        new Random(seed).Shuffle(shuffled);
        var result = IdentityReplay.Run(shuffled, new IdentityRules(), [separation]);
        return Shape(links, [separation]) == Shape(shuffled, [separation])
            && !result.Clusters.Any(c => separation.SideA.Overlaps(c.Identifiers) && separation.SideB.Overlaps(c.Identifiers));
    }

    private static string Shape(IdentityLink[] links, IReadOnlyList<Separation> separations)
    {
        var result = IdentityReplay.Run(links, new IdentityRules(), separations);
        var clusters = result.Clusters.Select(c => string.Join(",", c.Identifiers.Select(i => i.ToString()).Order(StringComparer.Ordinal)))
            .Order(StringComparer.Ordinal);
        var landing = result.Landing.OrderBy(l => l.Key).Select(l => $"{l.Key}->{string.Join(",", l.Value.Identifiers.Select(i => i.ToString()).Order(StringComparer.Ordinal))}");
        return string.Join("|", clusters) + "#" + string.Join("|", landing);
    }
}
