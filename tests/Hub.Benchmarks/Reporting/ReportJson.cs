using System.Globalization;
using System.Text.Json;

namespace Hub.Benchmarks.Reporting;

/// <summary>Writes a run as JSON, by default to artifacts/benchmarks/ under the repository root (ignored by git).</summary>
internal static class ReportJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static async Task<string> WriteAsync(BenchmarkReport report, string? path, CancellationToken cancellationToken)
    {
        path ??= Path.Combine(RepositoryRoot(), "artifacts", "benchmarks",
            $"hub-benchmark-{report.StartedAt.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}.json");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, report, Options, cancellationToken);
        return Path.GetFullPath(path);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Hub.sln")))
            {
                return directory.FullName;
            }
        }
        return Environment.CurrentDirectory;
    }
}
