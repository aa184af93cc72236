namespace Hub.Contracts.Customers;

/// <summary>One field of the master record with its provenance.</summary>
/// <param name="Value">The surviving value.</param>
/// <param name="Source">The connector instance the value came from.</param>
/// <param name="ObservedAt">When the source observed it.</param>
public sealed record CustomerFieldValue(string Value, string Source, DateTimeOffset ObservedAt);
