using System.Text.Json.Nodes;
using Hub.Contracts.Consent;
using Hub.Contracts.Customers;
using Hub.Contracts.Touchpoints;

namespace Hub.Connectors.Salesforce.Records;

/// <summary>
/// The Contact's opt-out checkboxes as the customer's consent, both ways: <c>HasOptedOutOfEmail</c> is
/// <c>consent.email.marketing</c>, <c>DoNotCall</c> is <c>consent.phone</c>, and the configured SMS opt-out field
/// is <c>consent.sms</c> (checked = denied, unchecked = granted). Written back only once some source stated that
/// consent, and always from the hub's consent rule, so Salesforce never shows a customer as reachable whom the
/// hub would not contact.
/// </summary>
internal static class ConsentFields
{
    private static IEnumerable<(string Field, string Channel, string? Purpose)> Pairs(SalesforceOptions options)
    {
        yield return ("HasOptedOutOfEmail", TouchpointChannels.Email, ConsentFacts.MarketingPurpose);
        yield return ("DoNotCall", TouchpointChannels.Phone, null);
        if (options.SmsOptOutField is { } sms)
        {
            yield return (sms, TouchpointChannels.Sms, null);
        }
    }

    /// <summary>The consent facts the record's opt-out fields state.</summary>
    public static void Read(Func<string, string?> field, Dictionary<string, string> facts, SalesforceOptions options)
    {
        foreach (var (name, channel, purpose) in Pairs(options))
        {
            switch (field(name)?.Trim().ToLowerInvariant())
            {
                case "true":
                    facts[ConsentFacts.For(channel, purpose)] = ConsentFacts.Denied;
                    break;
                case "false":
                    facts[ConsentFacts.For(channel, purpose)] = ConsentFacts.Granted;
                    break;
                default:
                    break;
            }
        }
    }

    /// <summary>The opt-out fields of the customer's stated consent.</summary>
    public static void Write(IReadOnlyDictionary<string, CustomerFieldValue> consent, IDictionary<string, JsonNode?> contact, SalesforceOptions options)
    {
        foreach (var (name, channel, purpose) in Pairs(options))
        {
            if (ConsentFacts.IsStated(consent, channel, purpose))
            {
                var optedOut = ConsentFacts.Withholding(consent, channel, purpose ?? ConsentFacts.MarketingPurpose, channelOnly: purpose is null) is not null;
                contact[name] = JsonValue.Create(optedOut);
            }
        }
    }
}
