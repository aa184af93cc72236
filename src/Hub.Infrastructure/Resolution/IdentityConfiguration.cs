using Hub.Contracts.Identity;
using Hub.Core.Identity;
using Hub.Core.MasterRecord;
using Hub.Infrastructure.Configuration;
using Microsoft.Extensions.Configuration;

namespace Hub.Infrastructure.Resolution;

/// <summary>Reads merge protection and survivorship from <c>Hub:Identity</c> (see docs/identity.md).</summary>
[ConfigurationKey("DefaultRegion", "ISO 3166 region national phone numbers are read in; a connector instance may override it with its own `DefaultRegion` option.", Default = "`US`")]
[ConfigurationKey("MaxPerType:<type>", "Merge protection: identifiers of one type a customer may hold; a merge that would exceed it becomes a conflict for review. See docs/identity.md.", Default = "`email` 5, `phone` 5, `twitter` 3, CRM record types (`system:record`) 1, others 10")]
[ConfigurationKey("MaxPerType:<system>:<record>", "Merge protection for a CRM record type such as `salesforce:contact`: its `:` nests the key (`Hub__Identity__MaxPerType__salesforce__contact`).", Default = "1")]
[ConfigurationKey("BlockedValues", "More values that are never identifiers, beside the built-in placeholders (docs/identity.md); a list or comma-separated.")]
[ConfigurationKey("BlockedIdentifiers", "Shared e-mail addresses or phone numbers of the company itself (`info@example.com`), never used to match; a list or comma-separated.")]
[ConfigurationKey("Email:IgnoreDotsForDomains", "Domains whose mailboxes ignore dots in the local part (`gmail.com`); a list or comma-separated.")]
[ConfigurationKey("Email:IgnorePlusTagsForDomains", "Domains (or `*`) where `jane+news@` is delivered to `jane@`; a list or comma-separated.")]
[ConfigurationKey("Survivorship:Default", "The rule that picks a master record field's value among observations: `MostRecent`, `MostFrequent` or `SourcePriority`.", Default = "`MostRecent`")]
[ConfigurationKey("Survivorship:Fields:<field>:Rule", "The survivorship rule of one field (`MostRecent`, `MostFrequent`, `SourcePriority`).", Default = "`Survivorship:Default`")]
[ConfigurationKey("Survivorship:Fields:<field>:Sources", "For `SourcePriority`: connector instance ids, highest priority first; a list or comma-separated.")]
public static class IdentityConfiguration
{
    public const string Section = "Hub:Identity";

    public static IdentityRules Rules(IConfiguration configuration, IdentifierNormalizer normalizer)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(normalizer);
        var section = configuration.GetSection(Section);
        var rules = new IdentityRules();
        // A record type's ':' nests its key (MaxPerType:salesforce:contact), so the type is the path below MaxPerType.
        foreach (var (type, value) in section.GetSection("MaxPerType").AsEnumerable(makePathsRelative: true).Where(Leaf))
        {
            rules.MaxPerType[type.ToLowerInvariant()] = int.TryParse(value, out var max) && max >= 1
                ? max
                : throw new HubConfigurationException($"{Section}:MaxPerType:{type} must be a whole number of at least 1 (got '{value}').");
        }
        foreach (var value in Values(section.GetSection("BlockedValues")))
        {
            rules.BlockedValues.Add(value);
        }
        foreach (var value in Values(section.GetSection("BlockedIdentifiers")))
        {
            var raw = value.Contains('@', StringComparison.Ordinal) ? CustomerIdentifier.Email(value) : CustomerIdentifier.Phone(value);
            var normalized = normalizer.Normalize(raw).Identifier
                ?? throw new HubConfigurationException($"{Section}:BlockedIdentifiers: '{value}' is neither an e-mail address nor a phone number.");
            rules.BlockedIdentifiers.Add(normalized);
        }
        return rules;
    }

    private static bool Leaf(KeyValuePair<string, string?> entry) => entry.Key.Length > 0 && entry.Value is not null;

    /// <summary><c>Hub:Identity:Email:IgnoreDotsForDomains</c> and <c>IgnorePlusTagsForDomains</c>.</summary>
    public static EmailNormalization Email(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section).GetSection("Email");
        var email = new EmailNormalization();
        email.IgnoreDotsForDomains.UnionWith(Values(section.GetSection("IgnoreDotsForDomains")));
        email.IgnorePlusTagsForDomains.UnionWith(Values(section.GetSection("IgnorePlusTagsForDomains")));
        return email;
    }

    public static SurvivorshipRules Survivorship(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section).GetSection("Survivorship");
        var rules = new SurvivorshipRules { Default = Rule(section["Default"], "Default") };
        foreach (var field in section.GetSection("Fields").GetChildren())
        {
            rules.Fields[field.Key] = new FieldRule
            {
                Rule = Rule(field["Rule"], $"Fields:{field.Key}:Rule"),
                Sources = [.. Values(field.GetSection("Sources"))],
            };
        }
        return rules;
    }

    private static SurvivorshipRule Rule(string? text, string where) =>
        text is null ? SurvivorshipRule.MostRecent
        : Enum.TryParse<SurvivorshipRule>(text, ignoreCase: true, out var rule) && Enum.IsDefined(rule) ? rule
        : throw new HubConfigurationException($"{Section}:Survivorship:{where} must be MostRecent, MostFrequent or SourcePriority (got '{text}').");

    /// <summary>A list as children (<c>X:0</c>, <c>X:1</c>) or as one comma-separated value (an environment variable).</summary>
    private static IEnumerable<string> Values(IConfigurationSection section) =>
        section.GetChildren().Select(c => c.Value).Append(section.Value)
            .Where(v => !string.IsNullOrWhiteSpace(v))
            .SelectMany(v => v!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
