using System.Text.Json;
using Hub.Contracts.Consent;

namespace Hub.Connectors.Webhooks.Inbound;

/// <summary>Segment traits to flat profile facts: snake_case reserved traits to camelCase, nested objects dotted.</summary>
internal static class ProfileFacts
{
    private const int MaxDepth = 3;
    private const int MaxValueLength = 1_000;

    private static readonly Dictionary<string, string> ReservedSnakeCase = new(StringComparer.Ordinal)
    {
        ["first_name"] = "firstName",
        ["last_name"] = "lastName",
        ["created_at"] = "createdAt",
        ["postal_code"] = "postalCode",
        ["employee_count"] = "employeeCount",
    };

    public static void Flatten(JsonElement traits, Dictionary<string, string> facts, string prefix = "", int depth = 0)
    {
        foreach (var property in traits.EnumerateObject())
        {
            if (depth == 0 && property.Name is "email" or "phone")
            {
                continue; // identifiers, not profile facts: the master record lists them as identifiers
            }
            var name = ReservedSnakeCase.GetValueOrDefault(property.Name, property.Name);
            var key = prefix + name;
            switch (property.Value.ValueKind)
            {
                case JsonValueKind.Object when depth < MaxDepth:
                    Flatten(property.Value, facts, key + ".", depth + 1);
                    break;
                case JsonValueKind.String when property.Value.GetString() is { Length: > 0 } text:
                    facts[key] = Truncate(text);
                    break;
                case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                    facts[key] = property.Value.GetRawText();
                    break;
                case JsonValueKind.Array or JsonValueKind.Object:
                    facts[key] = Truncate(property.Value.GetRawText());
                    break;
                default:
                    break;
            }
        }
        // The Segment Spec fills name from first and last name only when both are sent: a first name alone (a partial
        // identify) would replace the full name the profile already has.
        if (depth == 0 && !facts.ContainsKey("name") && facts.TryGetValue("firstName", out var first) && facts.TryGetValue("lastName", out var last))
        {
            facts["name"] = $"{first} {last}";
        }
        if (depth == 0 && facts.TryGetValue("company.name", out var company))
        {
            facts["company"] = company;
        }
    }

    /// <summary>
    /// <c>traits.consent</c> (<c>{"email": {"marketing": "denied"}, "sms": "granted"}</c>) flattens to consent facts;
    /// their values are stored as granted, denied or revoked (a boolean: true = granted, false = denied), and their names
    /// must be ones the hub acts on (<see cref="ConsentFacts.NameProblem"/>). Anything else is a problem, so that the call is refused whole rather than applied in part: a "no" or "opted-out" stored
    /// as it came would replace an earlier "denied" without withholding anything.
    /// </summary>
    /// <param name="facts">The facts, changed in place to the stored status.</param>
    /// <param name="named">How the problem names a fact where the sender wrote it (<c>traits.consent.sms</c>).</param>
    public static string? ConsentProblem(Dictionary<string, string> facts, Func<string, string> named)
    {
        foreach (var (name, value) in facts.Where(f => ConsentFacts.IsConsent(f.Key)).ToList())
        {
            if (ConsentFacts.StatementProblem(name, value, out var status) is { } problem)
            {
                return $"{named(name)} {problem}";
            }
            facts[name] = status!;
        }
        return null;
    }

    private static string Truncate(string text) => text.Length <= MaxValueLength ? text : text[..MaxValueLength];
}
