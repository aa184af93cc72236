using Hub.Core.MasterRecord;

namespace Hub.Core.Tests.MasterRecord;

public sealed class SurvivorshipRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly FieldObservation OldFrequent = new("name", "Jane Doe", "crm1", 5, T0);
    private static readonly FieldObservation NewRare = new("name", "J. Doe", "mail", 1, T0.AddDays(1));
    private static readonly FieldObservation FromSalesforce = new("name", "Jane M. Doe", "sf1", 1, T0.AddHours(1));

    [Fact]
    public void Most_recent_is_the_default()
    {
        Assert.Equal("J. Doe", new SurvivorshipRules().Choose([OldFrequent, NewRare, FromSalesforce]).Value);
    }

    [Fact]
    public void Most_frequent_picks_the_value_seen_most_often()
    {
        var rules = new SurvivorshipRules { Fields = { ["name"] = new FieldRule { Rule = SurvivorshipRule.MostFrequent } } };
        Assert.Equal("Jane Doe", rules.Choose([NewRare, OldFrequent, FromSalesforce]).Value);
    }

    [Fact]
    public void Source_priority_picks_the_first_listed_source_and_falls_back_to_recency_for_unlisted_ones()
    {
        var rules = new SurvivorshipRules { Fields = { ["name"] = new FieldRule { Rule = SurvivorshipRule.SourcePriority, Sources = ["sf1", "crm1"] } } };
        Assert.Equal("Jane M. Doe", rules.Choose([OldFrequent, NewRare, FromSalesforce]).Value);
        Assert.Equal("Jane Doe", rules.Choose([OldFrequent, NewRare]).Value);
        Assert.Equal("J. Doe", rules.Choose([NewRare, NewRare with { Value = "Another", LastObservedAt = T0 }]).Value);
    }

    [Fact]
    public void Consent_follows_the_most_recent_statement_whatever_rule_is_configured()
    {
        var rules = new SurvivorshipRules
        {
            Default = SurvivorshipRule.MostFrequent,
            Fields = { ["consent.sms"] = new FieldRule { Rule = SurvivorshipRule.SourcePriority, Sources = ["crm1"] } },
        };
        var deniedOften = new FieldObservation("consent.sms", "denied", "crm1", 4, T0);
        var grantedLater = new FieldObservation("consent.sms", "granted", "twilio1", 1, T0.AddMinutes(1));

        Assert.Equal("granted", rules.Choose([deniedOften, grantedLater]).Value);
    }

    [Theory]
    [InlineData("denied")]
    [InlineData("revoked")]
    public void Two_consent_statements_at_the_same_instant_the_withholding_one_holds_whatever_their_sources(string withholding)
    {
        var rules = new SurvivorshipRules();
        foreach (var (grantedBy, withheldBy) in new[] { ("api:crm", "tw1"), ("tw1", "api:crm"), ("a", "z"), ("z", "a") })
        {
            var granted = new FieldObservation("consent.sms", "granted", grantedBy, 1, T0);
            var withheld = new FieldObservation("consent.sms", withholding, withheldBy, 1, T0);

            Assert.Equal(withholding, rules.Choose([granted, withheld]).Value);
            Assert.Equal(withholding, rules.Choose([withheld, granted]).Value);
        }
    }

    [Fact]
    public void A_rule_applies_only_to_its_field()
    {
        var rules = new SurvivorshipRules { Fields = { ["title"] = new FieldRule { Rule = SurvivorshipRule.MostFrequent } } };
        Assert.Equal("J. Doe", rules.Choose([OldFrequent, NewRare]).Value);
    }

    [Fact]
    public void Ties_are_broken_the_same_way_whatever_the_order()
    {
        var a = new FieldObservation("name", "A", "crm1", 1, T0);
        var b = new FieldObservation("name", "B", "crm1", 1, T0);
        var c = new FieldObservation("name", "A", "crm2", 1, T0);
        var rules = new SurvivorshipRules();
        var winner = rules.Choose([a, b, c]);
        Assert.Equal(winner, rules.Choose([c, b, a]));
        Assert.Equal(winner, rules.Choose([b, a, c]));
    }
}
