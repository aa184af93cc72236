namespace Hub.Connectors.Salesforce.Inbound;

/// <summary>What happened to a record, as far as the message tells.</summary>
internal enum ChangeKind
{
    /// <summary>An Outbound Message: the record's current values, whether it was just created or changed.</summary>
    Current,
    Create,
    Update,
    Delete,
    Undelete,
}

/// <summary>
/// One record change from an Outbound Message notification or a change event, reduced to what the
/// mapping needs. Field names are flat API names (<c>MailingCity</c>, not <c>MailingAddress.City</c>);
/// a null value means the field was set to null.
/// </summary>
internal sealed record SalesforceEvent(
    string SourceEventId,
    string ObjectType,
    string RecordId,
    ChangeKind Kind,
    IReadOnlyDictionary<string, string?> Fields,
    DateTimeOffset OccurredAt,
    string? ChangeOrigin,
    string? ChangedBy)
{
    public string? Field(string name) => Fields.TryGetValue(name, out var value) ? value : null;
}
