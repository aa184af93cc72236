using Hub.Contracts.Identity;
using Hub.Core.Identity;
using Hub.Core.Identity.Resolution;

namespace Hub.Core.Tests.Identity.Resolution;

public sealed class IdentityStateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly CustomerIdentifier Jane = CustomerIdentifier.Email("jane@example.org");
    private static readonly CustomerIdentifier JanePhone = CustomerIdentifier.Phone("+12015550123");
    private static readonly CustomerIdentifier Contact1 = new("salesforce:contact", "003000000000001AAA");
    private static readonly CustomerIdentifier Contact2 = new("salesforce:contact", "003000000000002AAA");

    private long _age;

    [Fact]
    public void Identifiers_nobody_holds_make_a_new_customer()
    {
        var state = new IdentityState(new IdentityRules(), []);
        var outcome = state.Apply(Link(1, Jane, JanePhone), NewCluster);
        Assert.True(outcome.Created);
        Assert.Equal([Jane, JanePhone], outcome.Landing.Identifiers.Order(Comparer));
        Assert.Same(outcome.Landing, state.OwnerOf(JanePhone));
    }

    [Fact]
    public void A_touchpoint_carrying_identifiers_of_two_customers_merges_them_into_the_oldest()
    {
        var state = new IdentityState(new IdentityRules(), []);
        var older = state.Apply(Link(1, Jane), NewCluster).Landing;
        var younger = state.Apply(Link(2, JanePhone), NewCluster).Landing;

        var outcome = state.Apply(Link(3, JanePhone, Jane), NewCluster);

        Assert.Same(older, outcome.Landing);
        Assert.Equal([younger], outcome.Merged);
        Assert.Empty(outcome.Conflicts);
        Assert.Single(state.Clusters);
        Assert.Same(older, state.OwnerOf(JanePhone));
    }

    [Fact]
    public void A_link_that_may_not_merge_naming_another_customers_record_id_merges_nobody_and_the_refusal_is_a_conflict()
    {
        var state = new IdentityState(new IdentityRules(), []);
        var holder = state.Apply(Link(1, Contact1, Jane), NewCluster).Landing;
        var linked = state.Apply(Link(2, JanePhone), NewCluster).Landing;

        var outcome = state.Apply(Link(3, JanePhone, Contact1) with { MayMerge = false }, NewCluster);

        Assert.Empty(outcome.Merged);
        Assert.Equal(2, state.Clusters.Count);
        Assert.Same(holder, state.OwnerOf(Contact1));
        Assert.Same(linked, state.OwnerOf(JanePhone));
        var conflict = Assert.Single(outcome.Conflicts);
        Assert.Same(holder, conflict.Landing);
        Assert.Same(linked, conflict.Other);
        Assert.True(holder.Tainted && linked.Tainted);
    }

    [Fact]
    public void A_link_that_may_not_merge_still_adds_a_free_record_id_to_its_one_customer()
    {
        var state = new IdentityState(new IdentityRules(), []);
        var customer = state.Apply(Link(1, Jane, JanePhone), NewCluster).Landing;

        var outcome = state.Apply(Link(2, Jane, JanePhone, Contact1) with { MayMerge = false }, NewCluster);

        Assert.Same(customer, outcome.Landing);
        Assert.Equal([Contact1], outcome.Added);
        Assert.Empty(outcome.Conflicts);
    }

    [Fact]
    public void Two_customers_holding_different_crm_record_ids_are_never_merged_and_the_refusal_is_a_conflict()
    {
        var state = new IdentityState(new IdentityRules(), []);
        var first = state.Apply(Link(1, Contact1, Jane), NewCluster).Landing;

        var outcome = state.Apply(Link(2, Contact2, Jane), NewCluster);

        Assert.NotSame(first, outcome.Landing);
        Assert.Equal([Contact2], outcome.Landing.Identifiers);
        Assert.Same(first, state.OwnerOf(Jane));
        var conflict = Assert.Single(outcome.Conflicts);
        Assert.Same(first, conflict.Other);
        Assert.Contains("salesforce:contact", conflict.Reason, StringComparison.Ordinal);
        Assert.True(first.Tainted && outcome.Landing.Tainted);
    }

    [Fact]
    public void Two_customers_holding_record_ids_the_hub_created_for_them_merge_when_a_touchpoint_names_both()
    {
        var state = new IdentityState(new IdentityRules(), []);
        var first = state.Apply(Link(1, Jane), NewCluster).Landing;
        state.Apply(Link(2, Jane, Contact1) with { MayMerge = false, CreatedRecord = Contact1 }, NewCluster);
        var second = state.Apply(Link(3, JanePhone), NewCluster).Landing;
        state.Apply(Link(4, JanePhone, Contact2) with { MayMerge = false, CreatedRecord = Contact2 }, NewCluster);

        var outcome = state.Apply(Link(5, Jane, JanePhone), NewCluster);

        Assert.Empty(outcome.Conflicts);
        Assert.Same(first, outcome.Landing);
        Assert.Equal([second], outcome.Merged);
        Assert.Equal([Jane, JanePhone, Contact1, Contact2], first.Identifiers.Order(Comparer));
    }

    [Fact]
    public void A_record_id_the_hub_created_does_not_keep_its_customer_from_one_that_came_from_the_crm()
    {
        var state = new IdentityState(new IdentityRules(), [], [Contact1]);
        var created = state.Apply(Link(1, Jane, Contact1), NewCluster).Landing;
        var fromCrm = state.Apply(Link(2, JanePhone, Contact2), NewCluster).Landing;

        var outcome = state.Apply(Link(3, Jane, JanePhone), NewCluster);

        Assert.Empty(outcome.Conflicts);
        Assert.Same(created, outcome.Landing);
        Assert.Equal([fromCrm], outcome.Merged);
    }

    [Fact]
    public void Record_ids_that_came_from_the_crm_still_keep_two_customers_apart_beside_ones_the_hub_created()
    {
        var contact3 = new CustomerIdentifier("salesforce:contact", "003000000000003AAA");
        var state = new IdentityState(new IdentityRules(), [], [contact3]);
        var first = state.Apply(Link(1, Jane, Contact1, contact3), NewCluster).Landing;
        var second = state.Apply(Link(2, JanePhone, Contact2), NewCluster).Landing;

        var outcome = state.Apply(Link(3, Jane, JanePhone), NewCluster);

        Assert.Empty(outcome.Merged);
        Assert.Equal([first, second], state.Clusters.OrderBy(c => c.Age));
        Assert.Contains("salesforce:contact", Assert.Single(outcome.Conflicts).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Whether_the_hub_created_a_record_id_does_not_depend_on_where_its_link_falls_in_the_replay_order()
    {
        // The CRM's own event about the Contact comes before the hub's "created" link in canonical order.
        var links = new[]
        {
            Link(1, Jane),
            Link(2, Jane, Contact1),
            Link(3, JanePhone, Contact2),
            Link(4, Jane, JanePhone),
            Link(5, Jane, Contact1) with { MayMerge = false, CreatedRecord = Contact1 },
            Link(6, JanePhone, Contact2) with { MayMerge = false, CreatedRecord = Contact2 },
        };

        var result = IdentityReplay.Run(links, new IdentityRules(), []);

        Assert.Empty(result.Conflicts);
        Assert.Equal([Jane, JanePhone, Contact1, Contact2], Assert.Single(result.Clusters).Identifiers.Order(Comparer));
    }

    [Fact]
    public void A_limit_per_identifier_type_refuses_one_identifier_too_many()
    {
        var rules = new IdentityRules { MaxPerType = { [IdentifierTypes.Email] = 2 } };
        var state = new IdentityState(rules, []);
        var customer = state.Apply(Link(1, Jane, CustomerIdentifier.Email("j2@example.org")), NewCluster).Landing;

        var outcome = state.Apply(Link(2, Jane, CustomerIdentifier.Email("j3@example.org")), NewCluster);

        Assert.Same(customer, outcome.Landing);
        Assert.Equal(2, customer.Identifiers.Count);
        Assert.Equal(CustomerIdentifier.Email("j3@example.org"), Assert.Single(outcome.Conflicts).Identifier);
    }

    [Fact]
    public void An_admins_separation_keeps_two_customers_apart()
    {
        var separation = new Separation(new HashSet<CustomerIdentifier> { Jane }, new HashSet<CustomerIdentifier> { JanePhone });
        var state = new IdentityState(new IdentityRules(), [separation]);
        state.Apply(Link(1, Jane), NewCluster);
        state.Apply(Link(2, JanePhone), NewCluster);

        var outcome = state.Apply(Link(3, Jane, JanePhone), NewCluster);

        Assert.Equal(2, state.Clusters.Count);
        Assert.Contains("split", Assert.Single(outcome.Conflicts).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_link_naming_both_sides_of_a_split_before_either_customer_exists_is_a_conflict_not_one_customer()
    {
        var separation = new Separation(new HashSet<CustomerIdentifier> { JanePhone }, new HashSet<CustomerIdentifier> { Jane });
        var state = new IdentityState(new IdentityRules(), [separation]);

        var outcome = state.Apply(Link(1, JanePhone, Jane, Contact1), NewCluster);

        // The strongest identifier's side keeps the link (a record id, then e-mail before phone); the other side stays free.
        Assert.Equal([Jane, Contact1], outcome.Landing.Identifiers.Order(Comparer));
        Assert.Null(state.OwnerOf(JanePhone));
        var conflict = Assert.Single(outcome.Conflicts);
        Assert.Equal(JanePhone, conflict.Identifier);
        Assert.Contains("split", conflict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_link_older_than_all_history_of_two_split_customers_does_not_merge_them_in_the_replay_in_any_arrival_order()
    {
        var separation = new Separation(new HashSet<CustomerIdentifier> { JanePhone }, new HashSet<CustomerIdentifier> { Jane });
        var sms1 = Link(10, JanePhone);
        var sms2 = Link(11, Jane);
        var merging = Link(20, JanePhone, Jane);
        var shapes = new HashSet<string>(StringComparer.Ordinal);
        // The old link before all their history, and the same link dated after it, in every arrival order; with the link
        // that merged them before the split, and without it (its touchpoint withdrawn), when the old link is their only one.
        foreach (var (oldMinute, links) in new[] { 0, 30 }.SelectMany(m => new[] { (m, new[] { sms1, sms2, merging }), (m, new[] { sms1, sms2 }) }))
        {
            var old = Link(oldMinute, JanePhone, Jane) with { TouchpointId = new Guid(9, 0, 0, new byte[8]) };
            foreach (var order in Permutations([.. links, old]))
            {
                var result = IdentityReplay.Run(order, new IdentityRules(), [separation]);

                Assert.Equal(2, result.Clusters.Count);
                Assert.DoesNotContain(result.Clusters, c => c.Identifiers.Contains(Jane) && c.Identifiers.Contains(JanePhone));
                Assert.Contains(result.Conflicts, c => c.TouchpointId == old.TouchpointId && c.Conflict.Reason.Contains("split", StringComparison.Ordinal));
                Assert.All(result.Clusters, c => Assert.True(c.Tainted));
                shapes.Add($"{string.Join("|", result.Clusters.Select(c => string.Join(",", c.Identifiers.Order(Comparer))).Order(StringComparer.Ordinal))}"
                    + $"#{string.Join(",", result.Landing[old.TouchpointId].Identifiers.Order(Comparer))}");
            }
        }
        Assert.Equal($"{Jane}|{JanePhone}#{Jane}", Assert.Single(shapes));
    }

    private static IEnumerable<IdentityLink[]> Permutations(IdentityLink[] links) => links.Length <= 1
        ? [links]
        : links.SelectMany((first, i) => Permutations([.. links.Where((_, j) => j != i)]).Select(rest => (IdentityLink[])[first, .. rest]));

    [Theory]
    [InlineData("email", "null")]
    [InlineData("email", "anonymous@example.org")]
    [InlineData("phone", "+10000000000")]
    [InlineData("phone", "+11111111111")]
    [InlineData("salesforce:contact", "-1")]
    public void Placeholder_values_are_never_identifiers(string type, string value)
    {
        Assert.NotNull(new IdentityRules().BlockReason(new CustomerIdentifier(type, value)));
    }

    [Fact]
    public void Shared_addresses_an_admin_lists_are_never_identifiers_but_personal_ones_are()
    {
        var rules = new IdentityRules { BlockedIdentifiers = { CustomerIdentifier.Email("info@example.com") } };
        Assert.NotNull(rules.BlockReason(CustomerIdentifier.Email("info@example.com")));
        Assert.Null(rules.BlockReason(Jane));
        Assert.Null(rules.BlockReason(JanePhone));
    }

    private IdentityCluster NewCluster() => new(Guid.NewGuid(), _age++);

    private static IdentityLink Link(int minute, params CustomerIdentifier[] identifiers) =>
        new(Guid.NewGuid(), T0.AddMinutes(minute), identifiers);

    private static readonly IComparer<CustomerIdentifier> Comparer =
        Comparer<CustomerIdentifier>.Create((a, b) => string.CompareOrdinal(a.ToString(), b.ToString()));
}
