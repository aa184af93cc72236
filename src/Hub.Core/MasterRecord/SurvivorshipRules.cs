using Hub.Contracts.Consent;

namespace Hub.Core.MasterRecord;

/// <summary>
/// <c>Hub:Identity:Survivorship</c>: a default rule and per-field rules with source priorities. Consent facts
/// (<c>consent.*</c>) ignore both: the customer's most recent statement always holds.
/// </summary>
public sealed class SurvivorshipRules
{
    public SurvivorshipRule Default { get; init; } = SurvivorshipRule.MostRecent;

    public Dictionary<string, FieldRule> Fields { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The surviving observation among those of one field; ties always broken the same way.</summary>
    public FieldObservation Choose(IEnumerable<FieldObservation> observations)
    {
        ArgumentNullException.ThrowIfNull(observations);
        var list = observations.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("There is nothing to choose from.", nameof(observations));
        }
        var field = list[0].Field;
        if (ConsentFacts.IsConsent(field))
        {
            // The customer's most recent statement; two at the same instant (from two systems, say): the withholding one.
            return list.OrderByDescending(o => o, ConsentRecency).First();
        }
        var rule = Fields.GetValueOrDefault(field) ?? new FieldRule { Rule = Default };
        return rule.Rule switch
        {
            SurvivorshipRule.MostFrequent => list.OrderByDescending(o => o.Count).ThenByDescending(o => o, Recency).First(),
            SurvivorshipRule.SourcePriority => list.OrderBy(o => rule.PriorityOf(o.Source)).ThenByDescending(o => o, Recency).First(),
            _ => list.OrderByDescending(o => o, Recency).First(),
        };
    }

    private static readonly IComparer<FieldObservation> Recency = Comparer<FieldObservation>.Create((a, b) =>
    {
        var byTime = a.LastObservedAt.UtcTicks.CompareTo(b.LastObservedAt.UtcTicks);
        if (byTime != 0)
        {
            return byTime;
        }
        var bySource = string.CompareOrdinal(a.Source, b.Source);
        return bySource != 0 ? bySource : string.CompareOrdinal(a.Value, b.Value);
    });

    private static readonly IComparer<FieldObservation> ConsentRecency = Comparer<FieldObservation>.Create((a, b) =>
    {
        var byTime = a.LastObservedAt.UtcTicks.CompareTo(b.LastObservedAt.UtcTicks);
        return byTime != 0 ? byTime
            : ConsentFacts.Withholds(a.Value) != ConsentFacts.Withholds(b.Value) ? (ConsentFacts.Withholds(a.Value) ? 1 : -1)
            : Recency.Compare(a, b);
    });
}

/// <summary>The rule of one field.</summary>
public sealed class FieldRule
{
    public SurvivorshipRule Rule { get; init; } = SurvivorshipRule.MostRecent;

    /// <summary>Connector instance ids, highest priority first (for <see cref="SurvivorshipRule.SourcePriority"/>).</summary>
    public List<string> Sources { get; init; } = [];

    public int PriorityOf(string source)
    {
        var index = Sources.FindIndex(s => string.Equals(s, source, StringComparison.OrdinalIgnoreCase));
        return index < 0 ? int.MaxValue : index;
    }
}
