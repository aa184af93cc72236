using System.ComponentModel;

namespace Hub.Deploy.Tests.ConfigurationReference;

/// <summary>
/// deploy/README.md's configuration reference is generated from the options classes. To update it after adding or
/// changing an option: <c>HUB_WRITE_CONFIG_REFERENCE=1 dotnet test tests/Hub.Deploy.Tests --filter ConfigurationReference</c>.
/// </summary>
public sealed class ConfigurationReferenceTests
{
    private static readonly string ReadmePath = RepositoryFiles.PathOf("deploy/README.md");

    [Fact]
    public void Every_bound_option_has_a_description()
    {
        var undescribed = ConfigurationKeys.OptionsTypes()
            .SelectMany(t => t.Type.IsAbstract && t.Type.IsSealed ? [] : ConfigurationKeys.BindableProperties(t.Type)
                .Where(p => string.IsNullOrWhiteSpace(p.GetCustomAttributes(typeof(DescriptionAttribute), false).Cast<DescriptionAttribute>().FirstOrDefault()?.Description))
                .Select(p => $"{t.Section}:{p.Name} ({t.Type.FullName}.{p.Name})"))
            .ToList();

        Assert.True(undescribed.Count == 0, "Add [Description(\"...\")] to: " + string.Join(", ", undescribed));
    }

    [Fact]
    public void Every_options_class_documents_at_least_one_key()
    {
        var silent = ConfigurationKeys.OptionsTypes()
            .Where(t => !ConfigurationKeys.Of(t.Type, t.Section).Any())
            .Select(t => $"{t.Type.FullName} ({t.Section})")
            .ToList();

        Assert.True(silent.Count == 0, "Give these a described property or a [ConfigurationKey]: " + string.Join(", ", silent));
    }

    [Fact]
    public void The_reference_holds_the_hubs_and_the_connectors_keys_with_their_defaults()
    {
        var reference = Generate();

        Assert.Contains("| `Hub:Outbox:ClaimDuration` | `00:01:00` |", reference, StringComparison.Ordinal);
        Assert.Contains("| `Hub:Bus:Transport` | `InMemory` |", reference, StringComparison.Ordinal);
        Assert.Contains("| `Hub:Database:ConnectionString` | none |", reference, StringComparison.Ordinal);
        Assert.Contains("| `Hub:Identity:DefaultRegion` | `US` |", reference, StringComparison.Ordinal);
        Assert.Contains("| `Hub:Context:Twiml:NameFallback` | `there` |", reference, StringComparison.Ordinal);
        Assert.Contains("#### Kind `webhooks`", reference, StringComparison.Ordinal);
        Assert.Contains("| `Hub:Connectors:<instanceId>:Secret` | none | (required, secret)", reference, StringComparison.Ordinal);
    }

    [Fact]
    public void The_committed_reference_in_deploy_README_is_the_generated_one()
    {
        var readme = File.ReadAllText(ReadmePath).ReplaceLineEndings("\n");
        var begin = readme.IndexOf(ConfigurationReferenceWriter.Begin, StringComparison.Ordinal);
        var end = readme.IndexOf(ConfigurationReferenceWriter.End, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, $"deploy/README.md lacks the markers {ConfigurationReferenceWriter.Begin} ... {ConfigurationReferenceWriter.End}");
        var committed = readme[begin..(end + ConfigurationReferenceWriter.End.Length)] + "\n";
        var generated = Generate();

        if (Environment.GetEnvironmentVariable("HUB_WRITE_CONFIG_REFERENCE") == "1")
        {
            File.WriteAllText(ReadmePath, readme[..begin] + generated + readme[(end + ConfigurationReferenceWriter.End.Length + 1)..]);
            return;
        }
        Assert.True(committed == generated,
            "deploy/README.md's configuration reference differs from the options classes. Regenerate it: " +
            "HUB_WRITE_CONFIG_REFERENCE=1 dotnet test tests/Hub.Deploy.Tests --filter ConfigurationReference\n--- generated ---\n" + generated);
    }

    private static string Generate() =>
        ConfigurationReferenceWriter.Write(ConfigurationKeys.BySection(), ConfigurationKeys.Connectors()).ReplaceLineEndings("\n");
}
