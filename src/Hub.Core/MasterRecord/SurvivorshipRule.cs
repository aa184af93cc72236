namespace Hub.Core.MasterRecord;

/// <summary>How the value of a master-record field is chosen among what the sources said.</summary>
public enum SurvivorshipRule
{
    /// <summary>The most recently observed value.</summary>
    MostRecent,

    /// <summary>The value observed most often; ties go to the most recent.</summary>
    MostFrequent,

    /// <summary>The value from the highest-priority source; ties go to the most recent.</summary>
    SourcePriority,
}
