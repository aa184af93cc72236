using System.Diagnostics;

namespace Hub.Benchmarks.Reporting;

/// <summary>
/// Which code was measured: the commit, and the product files that differed from it at the time. Read from the checkout
/// the harness was built in, wherever it is run from.
/// </summary>
internal sealed record SourceState(string Commit, IReadOnlyList<string> UncommittedProductFiles)
{
    public static SourceState Read()
    {
        var commit = Git("rev-parse --short HEAD").Trim();
        var changed = Git("status --porcelain -- :/src :/connectors")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToList();
        return new SourceState(commit.Length > 0 ? commit : "unknown", changed);
    }

    private static string Git(string arguments)
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", arguments)
            {
                WorkingDirectory = AppContext.BaseDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (git is null)
            {
                return "";
            }
            var output = git.StandardOutput.ReadToEnd();
            git.WaitForExit(5_000);
            return git.ExitCode == 0 ? output : "";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "";
        }
    }
}
