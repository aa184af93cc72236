using System.Diagnostics;

namespace Hub.Testing.Servers;

/// <summary>
/// Runs server binaries as their service user (rabbitmq, postgres) when the test process is root,
/// and as the current user otherwise.
/// </summary>
internal static class ServiceAccount
{
    public static bool IsRoot => Environment.IsPrivilegedProcess;

    public static ProcessStartInfo StartInfo(
        string user,
        string program,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string> environment,
        string workingDirectory)
    {
        var info = new ProcessStartInfo
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        if (IsRoot)
        {
            // runuser resets HOME (RabbitMQ keeps its Erlang cookie there), so the variables go through env(1).
            info.FileName = "runuser";
            foreach (var argument in (string[])["-u", user, "--", "env"])
            {
                info.ArgumentList.Add(argument);
            }

            foreach (var (name, value) in environment)
            {
                info.ArgumentList.Add($"{name}={value}");
            }

            info.ArgumentList.Add(program);
        }
        else
        {
            info.FileName = program;
            foreach (var (name, value) in environment)
            {
                info.Environment[name] = value;
            }
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    /// <summary>Hands a directory tree to the service user (only needed, and only possible, as root).</summary>
    public static async Task GiveOwnershipAsync(string path, string user, CancellationToken cancellationToken)
    {
        if (!IsRoot)
        {
            return;
        }

        var info = new ProcessStartInfo("chown", ["-R", $"{user}:", path])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var result = await Command.RunAsync(info, TimeSpan.FromSeconds(30), cancellationToken);
        result.ThrowIfFailed();
    }
}
