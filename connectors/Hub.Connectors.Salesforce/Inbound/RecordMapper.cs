using System.Globalization;
using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;

namespace Hub.Connectors.Salesforce.Inbound;

/// <summary>
/// One Salesforce record change to one touchpoint. Contacts and Leads bring identifiers and profile facts
/// (through the field mapping); Cases and Tasks are timeline entries on the person they name.
/// </summary>
internal static class RecordMapper
{
    public static readonly IReadOnlySet<string> Supported = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "Contact", "Lead", "Case", "Task" };

    public static TouchpointDraft Map(SalesforceEvent e, SalesforceOptions options) => e.ObjectType.ToUpperInvariant() switch
    {
        "CONTACT" => PersonMapper.Contact(e, options),
        "LEAD" => PersonMapper.Lead(e, options),
        "CASE" => Case(e, options),
        _ => Task(e, options),
    };

    private static TouchpointDraft Case(SalesforceEvent e, SalesforceOptions options)
    {
        var closed = e.Field("IsClosed") == "true" || e.Field("Status") == "Closed";
        var type = e.Kind switch
        {
            not ChangeKind.Delete when closed => "closed",
            ChangeKind.Create => "opened",
            ChangeKind.Current when FirstSight(e) => "opened",
            ChangeKind.Current => "updated",
            _ => Verb(e.Kind),
        };
        var identities = new List<CustomerIdentifier>();
        AddRecordId(identities, e.Field("ContactId"));
        AddIfPresent(identities, IdentifierTypes.Email, e.Field("SuppliedEmail"));
        AddIfPresent(identities, IdentifierTypes.Phone, e.Field("SuppliedPhone"));
        var details = string.Join(", ", new[] { e.Field("Status"), e.Field("Priority") }.OfType<string>());
        var summary = $"Case {e.Field("CaseNumber") ?? e.RecordId} {type}" + (e.Field("Subject") is { } subject ? $": {subject}" : "") + (details.Length > 0 ? $" ({details})" : "");
        return Draft(e, options, $"crm.case.{type}", TouchpointChannels.Crm, type == "opened" ? TouchpointDirection.Inbound : TouchpointDirection.None, identities, summary);
    }

    /// <summary>
    /// Whether an Outbound Message shows a case as it was created: its <c>CreatedDate</c> is its <c>LastModifiedDate</c>.
    /// Every later notification (an edit of a case still New, too) is an update, so a case is opened once. Without
    /// <c>CreatedDate</c> among the selected fields, the status New stands for it.
    /// </summary>
    private static bool FirstSight(SalesforceEvent e) =>
        Instant(e.Field("CreatedDate")) is { } created
            ? created == Instant(e.Field("LastModifiedDate"))
            : e.Field("Status") == "New";

    private static DateTimeOffset? Instant(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    private static TouchpointDraft Task(SalesforceEvent e, SalesforceOptions options)
    {
        var completed = e.Field("Status") == "Completed" || e.Field("IsClosed") == "true";
        var type = e.Kind switch
        {
            ChangeKind.Current or ChangeKind.Update when completed => "completed",
            ChangeKind.Current => "updated",
            _ => Verb(e.Kind),
        };
        var identities = new List<CustomerIdentifier>();
        AddRecordId(identities, e.Field("WhoId"));
        var channel = e.Field("TaskSubtype") switch
        {
            "Call" => TouchpointChannels.Phone,
            "Email" or "ListEmail" => TouchpointChannels.Email,
            _ => TouchpointChannels.Crm,
        };
        var direction = e.Field("CallType") switch
        {
            "Inbound" => TouchpointDirection.Inbound,
            "Outbound" => TouchpointDirection.Outbound,
            _ => TouchpointDirection.None,
        };
        var summary = $"Task {type}" + (e.Field("Subject") is { } subject ? $": {subject}" : "");
        return Draft(e, options, $"crm.task.{type}", channel, direction, identities, summary);
    }

    public static string Verb(ChangeKind kind) => kind switch
    {
        ChangeKind.Create => "created",
        ChangeKind.Delete => "deleted",
        ChangeKind.Undelete => "undeleted",
        _ => "updated",
    };

    /// <summary>A WhoId or ContactId: <c>salesforce:contact</c> or <c>salesforce:lead</c> by its key prefix.</summary>
    public static void AddRecordId(List<CustomerIdentifier> identities, string? id)
    {
        if (Records.SalesforceId.Normalize(id) is { } id18)
        {
            var type = id18[..3] switch
            {
                Records.KeyPrefixes.Contact => "contact",
                Records.KeyPrefixes.Lead => "lead",
                _ => null,
            };
            if (type is not null)
            {
                identities.Add(new CustomerIdentifier(IdentifierTypes.ExternalRecord("salesforce", type), id18));
            }
        }
    }

    public static void AddIfPresent(List<CustomerIdentifier> identities, string type, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            identities.Add(new CustomerIdentifier(type, value));
        }
    }

    public static TouchpointDraft Draft(
        SalesforceEvent e, SalesforceOptions options, string type, string channel, TouchpointDirection direction,
        IReadOnlyList<CustomerIdentifier> identities, string summary, IReadOnlyDictionary<string, string>? facts = null) => new()
        {
            SourceEventId = e.SourceEventId,
            Channel = channel,
            Type = type,
            OccurredAt = e.OccurredAt,
            Direction = direction,
            Identities = identities,
            ProfileFacts = facts ?? new Dictionary<string, string>(),
            Summary = summary,
            ContentReference = new Uri(options.InstanceUrl, "/" + e.RecordId).ToString(),
        };
}
