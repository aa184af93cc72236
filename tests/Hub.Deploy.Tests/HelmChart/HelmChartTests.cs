using System.Globalization;
namespace Hub.Deploy.Tests.HelmChart;

/// <summary>
/// deploy/helm/hub rendered as <c>helm template</c> does: with helm where it is installed, else with
/// <see cref="ChartTemplateRenderer"/>; the same checks apply to both.
/// </summary>
public sealed class HelmChartTests
{
    private static readonly string Chart = RepositoryFiles.PathOf("deploy/helm/hub");

    [Fact]
    public async Task The_chart_renders_a_deployment_with_probes_a_service_a_configmap_and_a_secret_for_the_hub_configuration()
    {
        var manifests = await RenderAsync();

        var deployment = Single(manifests, "Deployment");
        var spec = Map(deployment, "spec");
        Assert.Equal("2", spec["replicas"]);
        var container = Assert.Single(List(Map(Map(spec, "template"), "spec"), "containers")).As();
        Assert.Equal("/health/live", Map(Map(container, "livenessProbe"), "httpGet")["path"]);
        Assert.Equal("/health/ready", Map(Map(container, "readinessProbe"), "httpGet")["path"]);
        // The first start of a new version migrates the database first; liveness must not kill it meanwhile.
        var startup = Map(container, "startupProbe");
        Assert.Equal("/health/live", Map(startup, "httpGet")["path"]);
        Assert.Equal(600, Convert.ToInt32(startup["periodSeconds"], CultureInfo.InvariantCulture) * Convert.ToInt32(startup["failureThreshold"], CultureInfo.InvariantCulture));
        Assert.Equal("hub:0.1.0", container["image"]);
        var sources = List(container, "envFrom").Select(e => e.As()).ToList();
        var configMap = Single(manifests, "ConfigMap");
        var secret = Single(manifests, "Secret");
        Assert.Equal(Map(configMap, "metadata")["name"], Map(sources.Single(s => s.ContainsKey("configMapRef")), "configMapRef")["name"]);
        Assert.Equal(Map(secret, "metadata")["name"], Map(sources.Single(s => s.ContainsKey("secretRef")), "secretRef")["name"]);
        Assert.Equal("RabbitMq", Map(configMap, "data")["Hub__Bus__Transport"]);
        Assert.Equal("PostgreSql", Map(configMap, "data")["Hub__Database__Provider"]);
        Assert.True(Map(secret, "stringData").ContainsKey("Hub__Database__ConnectionString"));
        Assert.True(Map(secret, "stringData").ContainsKey("Hub__ApiKeys__admin"));
        var service = Single(manifests, "Service");
        var podLabels = Map(Map(Map(spec, "template"), "metadata"), "labels");
        Assert.All(Map(Map(service, "spec"), "selector"), label => Assert.Equal(label.Value, podLabels[label.Key]));
    }

    [Fact]
    public async Task An_existing_secret_replaces_the_charts_own()
    {
        var manifests = await RenderWithoutSecretsAsync(("existingSecret", "hub-credentials"));

        Assert.DoesNotContain(manifests, m => (string?)m["kind"] == "Secret");
        var container = List(Map(Map(Map(Single(manifests, "Deployment"), "spec"), "template"), "spec"), "containers")[0].As();
        var secretRef = List(container, "envFrom").Select(e => e.As()).Single(e => e.ContainsKey("secretRef"));
        Assert.Equal("hub-credentials", Map(secretRef, "secretRef")["name"]);
    }

    [Fact]
    public void The_broker_and_database_subcharts_are_optional_and_off_by_default()
    {
        var chart = ChartTemplateRenderer.ReadYaml(Path.Combine(Chart, "Chart.yaml"));
        var values = ChartTemplateRenderer.ReadYaml(Path.Combine(Chart, "values.yaml"));

        var dependencies = ((List<object?>)chart["dependencies"]!).Select(d => d.As()).ToList();
        Assert.Equal(["postgresql", "rabbitmq"], dependencies.Select(d => (string)d["name"]!).Order(StringComparer.Ordinal));
        Assert.All(dependencies, d => Assert.Equal($"{d["name"]}.enabled", d["condition"]));
        Assert.Equal("false", Map(values, "rabbitmq")["enabled"]);
        Assert.Equal("false", Map(values, "postgresql")["enabled"]);
    }

    [Fact]
    public async Task The_chart_does_not_render_while_a_secret_is_unset()
    {
        var values = Secrets.Where(s => s.Key != "secrets.Hub:ApiKeys:admin").ToArray();

        var failure = await TryRenderAsync(values);

        Assert.Contains("Every value under secrets must be set", failure.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_charts_values_ship_no_secret()
    {
        var values = ChartTemplateRenderer.ReadYaml(Path.Combine(Chart, "values.yaml"));

        Assert.All(Map(values, "secrets"), secret => Assert.Equal("", secret.Value));
        Assert.Contains("Hub:DataProtection:KeyEncryptionKey", Map(values, "secrets").Keys);
    }

    [Fact]
    public async Task Metrics_need_the_api_key_by_default_so_the_pods_carry_no_prometheus_scrape_annotations()
    {
        var manifests = await RenderAsync();

        Assert.Equal("true", Map(Single(manifests, "ConfigMap"), "data")["Hub__Telemetry__MetricsRequireApiKey"]);
        Assert.False(Map(Map(Single(manifests, "Deployment"), "spec"), "template").As().TryGetValue("metadata", out var metadata)
            && metadata.As().ContainsKey("annotations"));
    }

    [Fact]
    public async Task Metrics_without_the_api_key_carry_the_prometheus_scrape_annotations()
    {
        var manifests = await RenderAsync(("metrics.requireApiKey", "false"));

        Assert.Equal("false", Map(Single(manifests, "ConfigMap"), "data")["Hub__Telemetry__MetricsRequireApiKey"]);
        var annotations = Map(Map(Map(Map(Single(manifests, "Deployment"), "spec"), "template"), "metadata"), "annotations");
        Assert.Equal("true", annotations["prometheus.io/scrape"]);
        Assert.Equal("/metrics", annotations["prometheus.io/path"]);
    }

    private static readonly (string Key, string Value)[] Secrets =
    [
        ("secrets.Hub:Database:ConnectionString", "Host=db;Database=hub;Username=hub;Password=pw"),
        ("secrets.Hub:Bus:RabbitMqUri", "amqp://hub:pw@rabbitmq:5672/"),
        ("secrets.Hub:ApiKeys:admin", "an-admin-api-key-of-32-characters"),
        ("secrets.Hub:DataProtection:KeyEncryptionKey", "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA="),
    ];

    /// <summary>The rendered manifests with every secret set, each a YAML document parsed.</summary>
    private static Task<List<Dictionary<string, object?>>> RenderAsync(params (string Key, string Value)[] values) =>
        RenderWithoutSecretsAsync([.. Secrets, .. values]);

    private static async Task<List<Dictionary<string, object?>>> RenderWithoutSecretsAsync(params (string Key, string Value)[] values)
    {
        var (rendered, error) = await TryRenderAsync(values);
        Assert.True(error is null, $"The chart did not render:\n{error}");
        return [.. rendered!.Split(["\n---"], StringSplitOptions.None)
            .Select(ChartTemplateRenderer.ParseYaml)
            .OfType<Dictionary<string, object?>>()];
    }

    /// <summary>The rendered output, or what helm (or the renderer) said when it refused.</summary>
    private static async Task<(string? Rendered, string? Error)> TryRenderAsync((string Key, string Value)[] values)
    {
        string rendered;
        if (CommandLine.Exists("helm"))
        {
            // Dependencies that are off need no download, but helm insists on their archives: render a copy without them.
            using var copy = new TemporaryFolder();
            CopyChartWithoutDependencies(copy.Path);
            var arguments = new List<string> { "template", "test", copy.Path };
            foreach (var (key, value) in values)
            {
                arguments.AddRange(["--set", $"{key}={value}"]);
            }
            var (exitCode, output) = await CommandLine.RunAsync("helm", [.. arguments]);
            return exitCode == 0 ? (output, null) : (null, output);
        }
        try
        {
            var renderer = new ChartTemplateRenderer(Chart, "test", values.ToDictionary(v => v.Key, v => (object?)v.Value));
            rendered = string.Join("\n---\n", renderer.RenderAll().Values);
            return (rendered, null);
        }
        catch (ChartRenderException e)
        {
            return (null, e.Message);
        }
    }

    private static void CopyChartWithoutDependencies(string target)
    {
        Directory.CreateDirectory(Path.Combine(target, "templates"));
        foreach (var file in Directory.GetFiles(Path.Combine(Chart, "templates")))
        {
            File.Copy(file, Path.Combine(target, "templates", Path.GetFileName(file)));
        }
        File.Copy(Path.Combine(Chart, "values.yaml"), Path.Combine(target, "values.yaml"));
        var chart = File.ReadAllText(Path.Combine(Chart, "Chart.yaml"));
        File.WriteAllText(Path.Combine(target, "Chart.yaml"), chart[..chart.IndexOf("dependencies:", StringComparison.Ordinal)]);
    }

    private static Dictionary<string, object?> Single(List<Dictionary<string, object?>> manifests, string kind) =>
        Assert.Single(manifests, m => (string?)m["kind"] == kind);

    private static Dictionary<string, object?> Map(Dictionary<string, object?> map, string key) =>
        map.TryGetValue(key, out var value) && value is Dictionary<string, object?> child ? child : throw new KeyNotFoundException($"No map '{key}' in {string.Join(", ", map.Keys)}");

    private static List<object?> List(Dictionary<string, object?> map, string key) => (List<object?>)map[key]!;
}

internal static class YamlNodes
{
    public static Dictionary<string, object?> As(this object? node) => (Dictionary<string, object?>)node!;
}
