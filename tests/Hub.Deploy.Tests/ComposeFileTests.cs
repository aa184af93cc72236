using Hub.Deploy.Tests.HelmChart;

namespace Hub.Deploy.Tests;

/// <summary>
/// deploy/docker-compose.yml, validated by Docker Compose: the <c>docker compose</c> plugin where it is installed,
/// else the standalone <c>docker-compose</c> (tests/run.sh installs Debian's docker-compose when neither is there).
/// </summary>
public sealed class ComposeFileTests
{
    private const string ComposeFile = "deploy/docker-compose.yml";

    /// <summary>The secrets deploy/.env.example asks for; compose has no default for any of them.</summary>
    private static readonly Dictionary<string, string> Secrets = new()
    {
        ["POSTGRES_PASSWORD"] = "a-database-password",
        ["RABBITMQ_PASSWORD"] = "a-broker-password",
        ["HUB_ADMIN_API_KEY"] = "an-admin-api-key-of-32-characters",
        ["HUB_KEY_ENCRYPTION_KEY"] = "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=",
        ["HUB_CRM1_SECRET"] = "whsec_c2VjcmV0LW9mLXRoZS1jcm0tMS1pbnN0YW5jZQ==",
    };

    [Fact]
    public async Task Docker_compose_config_validates_the_compose_file()
    {
        var (exitCode, output, tool) = await ComposeConfigAsync(Secrets);

        Assert.True(exitCode == 0, $"{tool} config rejected {ComposeFile}:\n{output}");
    }

    [Theory]
    [InlineData("POSTGRES_PASSWORD")]
    [InlineData("RABBITMQ_PASSWORD")]
    [InlineData("HUB_ADMIN_API_KEY")]
    [InlineData("HUB_KEY_ENCRYPTION_KEY")]
    [InlineData("HUB_CRM1_SECRET")]
    public async Task Compose_refuses_to_start_without_each_secret_instead_of_using_a_published_default(string missing)
    {
        var secrets = new Dictionary<string, string>(Secrets) { [missing] = "" };

        var (exitCode, output, _) = await ComposeConfigAsync(secrets);

        Assert.NotEqual(0, exitCode);
        Assert.Contains($"set {missing} in deploy/.env", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_compose_file_has_no_default_for_a_secret()
    {
        var compose = File.ReadAllText(RepositoryFiles.PathOf(ComposeFile));

        var defaulted = System.Text.RegularExpressions.Regex.Matches(compose, @"\$\{(\w+):?-").Select(m => m.Groups[1].Value).Distinct();

        Assert.Equal(["HUB_OTLP_ENDPOINT"], defaulted);
        Assert.DoesNotContain("change-me", compose, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output, string Tool)> ComposeConfigAsync(IReadOnlyDictionary<string, string> environment)
    {
        var plugin = CommandLine.Exists("docker") && (await CommandLine.RunAsync("docker", "compose", "version")).ExitCode == 0;
        Assert.True(plugin || CommandLine.Exists("docker-compose"),
            "Neither `docker compose` nor `docker-compose` is installed: install the Debian package docker-compose (tests/run.sh does).");

        var (exitCode, output) = plugin
            ? await CommandLine.RunAsync("docker", environment, "compose", "-f", ComposeFile, "config", "--quiet")
            : await CommandLine.RunAsync("docker-compose", environment, "-f", ComposeFile, "config", "--quiet");
        return (exitCode, output, plugin ? "docker compose" : "docker-compose");
    }

    [Fact]
    public void Two_identical_hub_processes_share_one_broker_and_one_database_behind_the_gateway()
    {
        var compose = ChartTemplateRenderer.ReadYaml(RepositoryFiles.PathOf(ComposeFile));
        var services = (Dictionary<string, object?>)compose["services"]!;

        Assert.Equal(["gateway", "hub1", "hub2", "postgres", "rabbitmq"], services.Keys.Order(StringComparer.Ordinal));
        var hub1 = (Dictionary<string, object?>)services["hub1"]!;
        var hub2 = (Dictionary<string, object?>)services["hub2"]!;
        var environment = (Dictionary<string, object?>)hub1["environment"]!;
        Assert.Equal(environment, (Dictionary<string, object?>)hub2["environment"]!);
        Assert.Equal("RabbitMq", environment["Hub__Bus__Transport"]);
        Assert.Equal("PostgreSql", environment["Hub__Database__Provider"]);
        var gateway = File.ReadAllText(RepositoryFiles.PathOf("deploy/nginx/hub.conf"));
        Assert.Contains("server hub1:8080", gateway, StringComparison.Ordinal);
        Assert.Contains("server hub2:8080", gateway, StringComparison.Ordinal);
    }
}
