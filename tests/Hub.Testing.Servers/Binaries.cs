namespace Hub.Testing.Servers;

/// <summary>Finds the server binaries installed by the Debian packages (or, failing that, on PATH).</summary>
internal static class Binaries
{
    private const string InstallHint = "Install the Debian packages rabbitmq-server and postgresql (tests/run.sh does this when run as root).";

    public static string RabbitMq(string tool)
    {
        // /usr/sbin/rabbitmq-server on Debian is a wrapper that forces the system node's directories; use the real script.
        var debian = Path.Combine("/usr/lib/rabbitmq/bin", tool);
        return File.Exists(debian) ? debian : FindOnPath(tool) ?? throw Missing(tool);
    }

    public static string Epmd()
    {
        const string tool = "epmd";
        return FindOnPath(tool)
            ?? (File.Exists("/usr/lib/erlang/bin/epmd") ? "/usr/lib/erlang/bin/epmd" : throw Missing(tool));
    }

    public static string Postgres(string tool)
    {
        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(dir => Path.Combine(dir, "bin", tool))
                .Where(File.Exists)
                .OrderByDescending(path => int.TryParse(Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(path))), out var major) ? major : 0)
                .FirstOrDefault()
            : null;
        return debian ?? FindOnPath(tool) ?? throw Missing(tool);
    }

    private static string? FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, tool))
            .FirstOrDefault(File.Exists);

    private static InvalidOperationException Missing(string tool) =>
        new($"Cannot find the '{tool}' executable. {InstallHint}");
}
