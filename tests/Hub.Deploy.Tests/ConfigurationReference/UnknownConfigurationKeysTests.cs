using System.Text.RegularExpressions;
using Hub.Infrastructure.Configuration;
using Microsoft.Extensions.Configuration;

namespace Hub.Deploy.Tests.ConfigurationReference;

/// <summary>
/// The keys the hub warns about at start (StartupReport): those under <c>Hub:</c> that no option reads, checked against
/// the same options classes the configuration reference is generated from.
/// </summary>
public sealed partial class UnknownConfigurationKeysTests
{
    private static readonly KnownConfigurationKeys Known = ConfigurationCatalog.KnownKeys(ConfigurationKeys.HubAssemblies);

    [Theory]
    [InlineData("Hub:Databse:Provider", "Hub:Database:Provider")]
    [InlineData("Hub:Database:Provder", "Hub:Database:Provider")]
    [InlineData("Hub:Bus:RabbitMqUrl", "Hub:Bus:RabbitMqUri")]
    [InlineData("Hub:Telemetry:MetricsRequiresApiKey", "Hub:Telemetry:MetricsRequireApiKey")]
    [InlineData("Hub:Identity:MaxPerTyp:email", "Hub:Identity:MaxPerType:email")]
    [InlineData("Hub:ForwardedHeaders:TrustedProxy:0", "Hub:ForwardedHeaders:TrustedProxies:0")]
    public void A_misspelt_key_is_reported_with_the_key_it_is_near(string typo, string meant)
    {
        var unknown = Known.UnknownIn(Configuration(new() { [typo] = "PostgreSql", ["Hub:Database:ConnectionString"] = "Host=db" }));

        Assert.Equal([new KnownConfigurationKeys.UnknownKey(typo, meant)], unknown);
    }

    [Fact]
    public void A_key_near_nothing_known_is_reported_without_a_suggestion()
    {
        var unknown = Known.UnknownIn(Configuration(new() { ["Hub:Cache:Size"] = "100" }));

        Assert.Equal([new KnownConfigurationKeys.UnknownKey("Hub:Cache:Size", null)], unknown);
    }

    [Fact]
    public void Keys_outside_Hub_and_connector_instance_settings_are_not_reported()
    {
        var unknown = Known.UnknownIn(Configuration(new()
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Kestrel:Endpoints:Http:Url"] = "http://0.0.0.0:8080",
            ["Hub:Connectors:crm1:Kind"] = "webhooks",
            ["Hub:Connectors:crm1:Secret"] = "whsec_x",
            ["Hub:Connectors:crm1:AnythingTheConnectorReads"] = "x",
            ["Hub:Connectors:helpdesk:Addresses:0"] = "http://10.0.0.1:8080",
            ["hub:database:provider"] = "PostgreSql",
        }));

        Assert.Empty(unknown);
    }

    [Fact]
    public void A_limit_for_a_record_type_whose_colon_nests_the_key_is_known()
    {
        Assert.Empty(Known.UnknownIn(Configuration(new() { ["Hub:Identity:MaxPerType:salesforce:contact"] = "2" })));
    }

    [Fact]
    public void The_deploy_files_settings_and_appsettings_json_are_all_known()
    {
        var files = new[] { "deploy/docker-compose.yml", "deploy/systemd/hub.env.example", "deploy/helm/hub/values.yaml", "deploy/helm/hub/templates/configmap.yaml" };
        var settings = files
            .SelectMany(f => DeployedKey().Matches(File.ReadAllText(RepositoryFiles.PathOf(f))))
            .Select(m => m.Groups["key"].Value.Replace("__", ":", StringComparison.Ordinal))
            .Distinct()
            .ToDictionary(k => k, _ => (string?)"x");
        Assert.Contains("Hub:ForwardedHeaders:TrustedProxies:0", settings.Keys);
        Assert.Contains("Hub:DataProtection:KeyEncryptionKey", settings.Keys);

        var configuration = new ConfigurationBuilder()
            .AddJsonFile(RepositoryFiles.PathOf("src/Hub.Server/appsettings.json"))
            .AddInMemoryCollection(settings)
            .Build();

        Assert.Empty(Known.UnknownIn(configuration));
    }

    [Fact]
    public void Every_key_of_the_configuration_reference_is_known()
    {
        var reference = File.ReadAllText(RepositoryFiles.PathOf("deploy/README.md"));
        var settings = ReferenceKey().Matches(reference)
            .Select(m => Placeholder().Replace(m.Groups["key"].Value, "x1"))
            .Distinct()
            .ToDictionary(k => k, _ => (string?)"x");
        Assert.True(settings.Count > 80, $"only {settings.Count} keys read from deploy/README.md");

        Assert.Empty(Known.UnknownIn(Configuration(settings)));
    }

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

    /// <summary>A key as the deploy files set it: <c>Hub__Bus__Transport: ...</c>, <c>Hub__Bus__Transport=...</c>, <c>Hub:Bus:Transport: ...</c>.</summary>
    [GeneratedRegex(@"^\s*#?\s*(?<key>Hub(?:__|:)[A-Za-z0-9_:]+?)(?:=|:\s)", RegexOptions.Multiline)]
    private static partial Regex DeployedKey();

    [GeneratedRegex(@"^\| `(?<key>Hub:[^`]+)` \|", RegexOptions.Multiline)]
    private static partial Regex ReferenceKey();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Placeholder();
}
