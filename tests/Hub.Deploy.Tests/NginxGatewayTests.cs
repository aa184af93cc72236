using System.Text.RegularExpressions;

namespace Hub.Deploy.Tests;

/// <summary>deploy/nginx/hub.conf keeps /metrics off the public address in every spelling the hub answers to.</summary>
public sealed partial class NginxGatewayTests
{
    [Theory]
    [InlineData("/metrics")]
    [InlineData("/METRICS")]
    [InlineData("/Metrics")]
    [InlineData("/metrics/")]
    [InlineData("/mEtRiCs/")]
    public void Every_spelling_of_the_metrics_path_is_refused(string path) =>
        Assert.Contains(MetricsLocations(), location => location.IsMatch(path));

    [Theory]
    [InlineData("/api/metrics")]
    [InlineData("/webhooks/crm1")]
    [InlineData("/metricsx")]
    public void Other_paths_pass(string path) =>
        Assert.DoesNotContain(MetricsLocations(), location => location.IsMatch(path));

    /// <summary>The regex locations that answer 404 (nginx's <c>~*</c>: case-insensitive; this regex means the same in .NET).</summary>
    private static List<Regex> MetricsLocations()
    {
        var config = File.ReadAllText(RepositoryFiles.PathOf("deploy/nginx/hub.conf"));
        var locations = RegexLocation().Matches(config)
            .Where(m => m.Groups["body"].Value.Contains("return 404", StringComparison.Ordinal))
            .Select(m => new Regex(m.Groups["regex"].Value, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant))
            .ToList();
        Assert.NotEmpty(locations);
        return locations;
    }

    [GeneratedRegex(@"location\s+~\*\s+(?<regex>\S+)\s*\{(?<body>[^}]*)\}")]
    private static partial Regex RegexLocation();
}
