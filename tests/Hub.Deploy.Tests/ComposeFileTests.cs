using Hub.Deploy.Tests.HelmChart;

namespace Hub.Deploy.Tests;

/// <summary>
/// deploy/docker-compose.yml, validated by Docker Compose: the <c>docker compose</c> plugin where it is installed,
/// else the standalone <c>docker-compose</c> (tests/run.sh installs Debian's docker-compose when neither is there).
/// </summary>
public sealed class ComposeFileTests
{
    private const string ComposeFile = "deploy/docker-compose.yml";

    [Fact]
    public async Task Docker_compose_config_validates_the_compose_file()
    {
        var plugin = CommandLine.Exists("docker") && (await CommandLine.RunAsync("docker", "compose", "version")).ExitCode == 0;
        Assert.True(plugin || CommandLine.Exists("docker-compose"),
            "Neither `docker compose` nor `docker-compose` is installed: install the Debian package docker-compose (tests/run.sh does).");

        var (exitCode, output) = plugin
            ? await CommandLine.RunAsync("docker", "compose", "-f", ComposeFile, "config", "--quiet")
            : await CommandLine.RunAsync("docker-compose", "-f", ComposeFile, "config", "--quiet");

        Assert.True(exitCode == 0, $"{(plugin ? "docker compose" : "docker-compose")} config rejected {ComposeFile}:\n{output}");
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
