using Hub.Contracts.Customers;
using Hub.Core.MasterRecord;

namespace Hub.Core.Tests.MasterRecord;

public sealed class FieldSurvivorshipTests
{
    private static readonly DateTimeOffset Noon = new(2025, 3, 14, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Newer_observation_replaces_the_current_value()
    {
        var current = new CustomerFieldValue("Jane Doe", "crm-main", Noon);
        var newer = new CustomerFieldValue("Jane Roe", "crm-main", Noon.AddSeconds(1));

        Assert.True(FieldSurvivorship.Replaces(newer, current));
    }

    [Fact]
    public void Older_observation_does_not_replace_the_current_value()
    {
        var current = new CustomerFieldValue("Jane Doe", "crm-main", Noon);
        var older = new CustomerFieldValue("Jane Roe", "crm-main", Noon.AddSeconds(-1));

        Assert.False(FieldSurvivorship.Replaces(older, current));
    }

    [Fact]
    public void Time_wins_over_source_and_value_order()
    {
        // The newer candidate sorts lower by source and by value: time must still decide.
        var current = new CustomerFieldValue("zzz", "zzz-source", Noon);
        var newer = new CustomerFieldValue("aaa", "aaa-source", Noon.AddTicks(1));

        Assert.True(FieldSurvivorship.Replaces(newer, current));
        Assert.False(FieldSurvivorship.Replaces(current, newer));
    }

    [Fact]
    public void Observations_are_compared_as_instants_whatever_their_offsets()
    {
        var utc = new CustomerFieldValue("Jane Doe", "crm-main", Noon);
        var laterInMadrid = new CustomerFieldValue("Jane Roe", "crm-main", new DateTimeOffset(2025, 3, 14, 12, 30, 0, TimeSpan.FromHours(1)));

        // 12:30+01:00 is 11:30 UTC: older, although its clock reading is later.
        Assert.False(FieldSurvivorship.Replaces(laterInMadrid, utc));
        Assert.True(FieldSurvivorship.Replaces(utc, laterInMadrid));
    }

    [Fact]
    public void Anything_replaces_no_current_value()
    {
        var candidate = new CustomerFieldValue("Jane Doe", "crm-main", DateTimeOffset.MinValue);

        Assert.True(FieldSurvivorship.Replaces(candidate, null));
    }

    public static TheoryData<CustomerFieldValue, CustomerFieldValue> Ties => new()
    {
        // Same instant, different sources.
        { new("Jane Doe", "crm-main", Noon), new("Jane Doe", "shop", Noon) },
        { new("Jane Doe", "crm-main", Noon), new("Jane Roe", "shop", Noon) },
        { new("Jane Roe", "crm-main", Noon), new("Jane Doe", "shop", Noon) },
        // Same instant, same source, different values.
        { new("Jane Doe", "crm-main", Noon), new("Jane Roe", "crm-main", Noon) },
        { new("jane doe", "crm-main", Noon), new("Jane Doe", "crm-main", Noon) },
        // Same instant written with different offsets.
        { new("Jane Doe", "crm-main", Noon), new("Jane Roe", "shop", Noon.ToOffset(TimeSpan.FromHours(-5))) },
    };

    [Theory]
    [MemberData(nameof(Ties))]
    public void Ties_are_broken_so_that_exactly_one_side_wins(CustomerFieldValue a, CustomerFieldValue b)
    {
        var aReplacesB = FieldSurvivorship.Replaces(a, b);
        var bReplacesA = FieldSurvivorship.Replaces(b, a);

        Assert.NotEqual(aReplacesB, bReplacesA);
    }

    [Theory]
    [MemberData(nameof(Ties))]
    public void Ties_give_the_same_survivor_whatever_the_arrival_order(CustomerFieldValue a, CustomerFieldValue b)
    {
        var survivorWhenAFirst = FieldSurvivorship.Replaces(b, a) ? b : a;
        var survivorWhenBFirst = FieldSurvivorship.Replaces(a, b) ? a : b;

        Assert.Equal(survivorWhenAFirst, survivorWhenBFirst);
    }

    [Fact]
    public void An_identical_observation_does_not_replace_itself()
    {
        var value = new CustomerFieldValue("Jane Doe", "crm-main", Noon);

        Assert.False(FieldSurvivorship.Replaces(value with { }, value));
    }

    [Fact]
    public void Survivor_of_many_observations_does_not_depend_on_arrival_order()
    {
        CustomerFieldValue[] observations =
        [
            new("Jane Doe", "crm-main", Noon),
            new("Jane Roe", "shop", Noon),
            new("J. Doe", "support", Noon.AddMinutes(-5)),
            new("Jane D.", "crm-main", Noon),
            new("Jane", "shop", Noon.AddMinutes(-1)),
        ];

        var survivors = Permutations(observations).Select(Survive).Distinct().ToList();

        Assert.Single(survivors);
    }

    private static CustomerFieldValue Survive(IEnumerable<CustomerFieldValue> arrivals)
    {
        CustomerFieldValue? current = null;
        foreach (var candidate in arrivals)
        {
            if (FieldSurvivorship.Replaces(candidate, current))
            {
                current = candidate;
            }
        }
        return current!;
    }

    private static IEnumerable<IReadOnlyList<T>> Permutations<T>(IReadOnlyList<T> items)
    {
        if (items.Count <= 1)
        {
            yield return items;
            yield break;
        }
        for (var i = 0; i < items.Count; i++)
        {
            var rest = items.Where((_, j) => j != i).ToList();
            foreach (var tail in Permutations(rest))
            {
                yield return [items[i], .. tail];
            }
        }
    }
}
