using Hub.Contracts.Customers;

namespace Hub.Core.MasterRecord;

/// <summary>
/// Decides which observation of a field survives in the master record. For now the most recent
/// observation wins; ties are broken by source then value, so the outcome never depends on arrival order.
/// </summary>
public static class FieldSurvivorship
{
    /// <summary>True when <paramref name="candidate"/> should replace <paramref name="current"/>.</summary>
    public static bool Replaces(CustomerFieldValue candidate, CustomerFieldValue? current)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        if (current is null)
        {
            return true;
        }
        var byTime = candidate.ObservedAt.CompareTo(current.ObservedAt);
        if (byTime != 0)
        {
            return byTime > 0;
        }
        var bySource = string.CompareOrdinal(candidate.Source, current.Source);
        return bySource != 0 ? bySource > 0 : string.CompareOrdinal(candidate.Value, current.Value) > 0;
    }
}
