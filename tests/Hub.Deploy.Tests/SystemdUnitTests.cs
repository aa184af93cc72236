namespace Hub.Deploy.Tests;

/// <summary>deploy/systemd/hub.service, checked by systemd itself (tests/run.sh installs systemd where it is missing).</summary>
public sealed class SystemdUnitTests
{
    private const string Unit = "deploy/systemd/hub.service";

    [Fact]
    public async Task The_unit_passes_systemd_analyze_verify()
    {
        Assert.True(CommandLine.Exists("systemd-analyze"), "systemd-analyze is missing: install the Debian package systemd (tests/run.sh does).");

        var (exitCode, output) = await CommandLine.RunAsync("systemd-analyze", "verify", RepositoryFiles.PathOf(Unit));

        Assert.True(exitCode == 0 && output.Trim().Length == 0, $"systemd-analyze verify {Unit} said (exit {exitCode}):\n{output}");
    }

    [Fact]
    public async Task Verify_does_catch_a_broken_unit()
    {
        Assert.True(CommandLine.Exists("systemd-analyze"), "systemd-analyze is missing: install the Debian package systemd (tests/run.sh does).");
        using var folder = new TemporaryFolder();
        var broken = Path.Combine(folder.Path, "hub.service");
        await File.WriteAllTextAsync(broken, (await File.ReadAllTextAsync(RepositoryFiles.PathOf(Unit)))
            .Replace("ExecStart=/usr/bin/dotnet", "ExecStart=/usr/bin/no-such-dotnet", StringComparison.Ordinal));

        var (exitCode, output) = await CommandLine.RunAsync("systemd-analyze", "verify", broken);

        Assert.True(exitCode != 0 || output.Contains("no-such-dotnet", StringComparison.Ordinal), "verify accepted a unit whose program does not exist");
    }

    [Fact]
    public void The_unit_runs_the_hub_as_its_own_user_and_restarts_it()
    {
        var unit = File.ReadAllLines(RepositoryFiles.PathOf(Unit));

        Assert.Contains("User=hub", unit);
        Assert.Contains("Restart=always", unit);
        // The hub exits with 78 when its configuration is not valid: no restart loop for a mistake only an edit fixes.
        Assert.Contains("RestartPreventExitStatus=78", unit);
        Assert.Contains("EnvironmentFile=/etc/hub/hub.env", unit);
        Assert.Contains(unit, l => l.StartsWith("ExecStart=/usr/bin/dotnet /opt/hub/Hub.Server.dll", StringComparison.Ordinal));
    }

    [Fact]
    public void Journald_keeps_every_line_of_a_busy_hub()
    {
        // Three lines per touchpoint at Information: journald's default of 10,000 lines in 30 s would silence the unit,
        // warnings and errors included, within seconds of a busy stream.
        Assert.Contains("LogRateLimitIntervalSec=0", File.ReadAllLines(RepositoryFiles.PathOf(Unit)));
    }
}

/// <summary>A folder deleted when disposed.</summary>
internal sealed class TemporaryFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("hub-deploy-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
