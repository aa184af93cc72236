using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;

namespace Hub.Connectors.Salesforce.Inbound;

/// <summary>
/// Contacts and Leads: the record id, e-mail and phone fields as identifiers, and the field mapped to <c>twitter</c>
/// when it holds a numeric X user id; mapped fields as facts.
/// </summary>
internal static class PersonMapper
{
    /// <summary>X user ids are 64-bit integers: at most 20 digits.</summary>
    private const int MaxTwitterIdLength = 20;

    private static readonly string[] ContactPhones = ["Phone", "MobilePhone", "HomePhone", "OtherPhone"];
    private static readonly string[] LeadPhones = ["Phone", "MobilePhone"];

    /// <summary>Lead fields named differently from their Contact counterparts, so the Contact mapping applies.</summary>
    private static readonly Dictionary<string, string> LeadToContact = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Street"] = "MailingStreet",
        ["City"] = "MailingCity",
        ["State"] = "MailingState",
        ["PostalCode"] = "MailingPostalCode",
        ["Country"] = "MailingCountry",
    };

    public static TouchpointDraft Contact(SalesforceEvent e, SalesforceOptions options)
    {
        var identities = new List<CustomerIdentifier> { new(IdentifierTypes.ExternalRecord("salesforce", "contact"), e.RecordId) };
        RecordMapper.AddIfPresent(identities, IdentifierTypes.Email, e.Field("Email"));
        foreach (var phone in ContactPhones)
        {
            RecordMapper.AddIfPresent(identities, IdentifierTypes.Phone, e.Field(phone));
        }
        AddTwitter(identities, e, options, name => name);
        var facts = Facts(e, options, name => name);
        return RecordMapper.Draft(e, options, $"crm.contact.{RecordMapper.Verb(e.Kind)}", TouchpointChannels.Crm, TouchpointDirection.None,
            identities, Summary("Contact", e, facts), facts);
    }

    public static TouchpointDraft Lead(SalesforceEvent e, SalesforceOptions options)
    {
        var identities = new List<CustomerIdentifier> { new(IdentifierTypes.ExternalRecord("salesforce", "lead"), e.RecordId) };
        RecordMapper.AddIfPresent(identities, IdentifierTypes.Email, e.Field("Email"));
        foreach (var phone in LeadPhones)
        {
            RecordMapper.AddIfPresent(identities, IdentifierTypes.Phone, e.Field(phone));
        }
        RecordMapper.AddRecordId(identities, e.Field("ConvertedContactId"));
        AddTwitter(identities, e, options, name => LeadToContact.GetValueOrDefault(name, name));
        var facts = Facts(e, options, name => LeadToContact.GetValueOrDefault(name, name));
        if (e.Field("Company") is { Length: > 0 } company)
        {
            facts["company"] = company;
        }
        var verb = e.Field("IsConverted") == "true" && e.Kind is ChangeKind.Current or ChangeKind.Update ? "converted" : RecordMapper.Verb(e.Kind);
        return RecordMapper.Draft(e, options, $"crm.lead.{verb}", TouchpointChannels.Crm, TouchpointDirection.None,
            identities, Summary("Lead", e, facts), facts);
    }

    /// <summary>
    /// The field mapped to <c>twitter</c> as a <c>twitter</c> identifier, which joins the X person to this customer: only
    /// a numeric X user id (a handle changes hands, so it stays a fact and joins no one).
    /// </summary>
    private static void AddTwitter(List<CustomerIdentifier> identities, SalesforceEvent e, SalesforceOptions options, Func<string, string> asContactField)
    {
        foreach (var (field, value) in e.Fields)
        {
            if (options.Mapping.ToHub.TryGetValue(asContactField(field), out var hubField) && hubField == IdentifierTypes.Twitter
                && value?.Trim() is { Length: > 0 and <= MaxTwitterIdLength } id && id.All(char.IsAsciiDigit))
            {
                identities.Add(new CustomerIdentifier(IdentifierTypes.Twitter, id));
            }
        }
    }

    private static Dictionary<string, string> Facts(SalesforceEvent e, SalesforceOptions options, Func<string, string> asContactField)
    {
        var facts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (field, value) in e.Fields)
        {
            if (!string.IsNullOrEmpty(value) && options.Mapping.ToHub.TryGetValue(asContactField(field), out var hubField))
            {
                facts[hubField] = value;
            }
        }
        Records.ConsentFields.Read(e.Field, facts, options);
        var last = e.Field("LastName");
        if (last is { Length: > 0 } && FirstNameIsKnown(e))
        {
            var first = e.Field("FirstName");
            facts["name"] = string.IsNullOrWhiteSpace(first) ? last : $"{first} {last}";
        }
        return facts;
    }

    /// <summary>
    /// Whether the message tells the first name, empty or not, so that a name made from the last name alone does not
    /// shorten the customer's name. An Outbound Message carries only the fields the admin selected: a FirstName
    /// element missing is "not sent". A change event's UPDATE carries only what changed (a null may also be an
    /// unchanged field of a Pub/Sub payload relayed without decoding changedFields). A CREATE or UNDELETE carries
    /// every field that has a value, so there a missing FirstName is empty.
    /// </summary>
    private static bool FirstNameIsKnown(SalesforceEvent e) => e.Kind switch
    {
        ChangeKind.Create or ChangeKind.Undelete => true,
        ChangeKind.Update => e.Field("FirstName") is not null,
        _ => e.Fields.ContainsKey("FirstName"),
    };

    private static string Summary(string objectType, SalesforceEvent e, IReadOnlyDictionary<string, string> facts)
    {
        var who = facts.GetValueOrDefault("name") ?? e.RecordId;
        return e.Kind == ChangeKind.Update
            ? $"{objectType} {who} updated: {string.Join(", ", e.Fields.Keys.Where(k => k != "LastModifiedDate").Order(StringComparer.Ordinal))}"
            : $"{objectType} {who} {RecordMapper.Verb(e.Kind)}";
    }
}
