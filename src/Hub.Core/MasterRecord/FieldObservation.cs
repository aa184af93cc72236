namespace Hub.Core.MasterRecord;

/// <summary>
/// Everything the hub has heard about one value of one field from one source: how often and when last.
/// Aggregates add up in any order, so the surviving value never depends on arrival order.
/// </summary>
public sealed record FieldObservation(string Field, string Value, string Source, int Count, DateTimeOffset LastObservedAt);
