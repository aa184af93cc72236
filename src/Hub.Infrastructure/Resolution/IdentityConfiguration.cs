using Hub.Contracts.Identity;
using Hub.Core.Identity;
using Hub.Core.MasterRecord;
using Microsoft.Extensions.Configuration;

namespace Hub.Infrastructure.Resolution;

/// <summary>Reads merge protection and survivorship from <c>Hub:Identity</c> (see docs/identity.md).</summary>
public static class IdentityConfiguration
{
    public const string Section = "Hub:Identity";

    public static IdentityRules Rules(IConfiguration configuration, IdentifierNormalizer normalizer)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(normalizer);
        var section = configuration.GetSection(Section);
        var rules = new IdentityRules();
        foreach (var limit in section.GetSection("MaxPerType").GetChildren())
        {
            rules.MaxPerType[limit.Key.ToLowerInvariant()] = int.TryParse(limit.Value, out var max) && max >= 1
                ? max
                : throw new InvalidOperationException($"{Section}:MaxPerType:{limit.Key} must be a whole number of at least 1 (got '{limit.Value}').");
        }
        foreach (var value in Values(section.GetSection("BlockedValues")))
        {
            rules.BlockedValues.Add(value);
        }
        foreach (var value in Values(section.GetSection("BlockedIdentifiers")))
        {
            var raw = value.Contains('@', StringComparison.Ordinal) ? CustomerIdentifier.Email(value) : CustomerIdentifier.Phone(value);
            var normalized = normalizer.Normalize(raw).Identifier
                ?? throw new InvalidOperationException($"{Section}:BlockedIdentifiers: '{value}' is neither an e-mail address nor a phone number.");
            rules.BlockedIdentifiers.Add(normalized);
        }
        return rules;
    }

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
        : throw new InvalidOperationException($"{Section}:Survivorship:{where} must be MostRecent, MostFrequent or SourcePriority (got '{text}').");

    /// <summary>A list as children (<c>X:0</c>, <c>X:1</c>) or as one comma-separated value (an environment variable).</summary>
    private static IEnumerable<string> Values(IConfigurationSection section) =>
        section.GetChildren().Select(c => c.Value).Append(section.Value)
            .Where(v => !string.IsNullOrWhiteSpace(v))
            .SelectMany(v => v!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
