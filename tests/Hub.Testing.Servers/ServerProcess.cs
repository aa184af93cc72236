using System.Collections.Concurrent;
using System.Diagnostics;

namespace Hub.Testing.Servers;

/// <summary>
/// A long-running server process started under a small bash guard. When the guard's stdin (a pipe from this
/// process) closes without the server having been stopped, it kills the server's process group, runs the
/// after-exit command and deletes the server's temp folder: servers die with the test process even when it
/// crashes or is killed and never gets to dispose them.
/// </summary>
internal sealed class ServerProcess : IDisposable
{
    private const string GuardScript = """
        after_exit=$1; folder=$2; shift 2
        set -m  # own process group for the server, so the whole group can be killed
        "$@" </dev/null &
        server=$!
        {
            cat >/dev/null
            trap '' TERM  # the server's death makes the main script TERM this group; finish the clean-up anyway
            kill -KILL -- "-$server" 2>/dev/null
            for _ in 1 2 3 4 5 6 7 8 9 10; do eval "$after_exit" && break; sleep 0.3; done
            rm -rf -- "$folder"
        } &
        guard=$!
        wait "$server"; code=$?
        kill -- "-$guard" 2>/dev/null
        exit "$code"
        """;

    private static readonly ConcurrentDictionary<ServerProcess, byte> Live = new();
    private static readonly TimeSpan OutputDrainTimeout = TimeSpan.FromSeconds(5);

    private readonly Process _process;
    private readonly string[] _afterExit;
    private readonly string _folder;
    private readonly OutputTail _output = new();
    private int _disposed;

    static ServerProcess() =>
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var server in Live.Keys)
            {
                server.Dispose();
                TempFolder.TryDelete(server._folder);
            }
        };

    private ServerProcess(ProcessStartInfo server, string folder, string[] afterExit)
    {
        _folder = folder;
        _afterExit = afterExit;
        var guard = new ProcessStartInfo("bash")
        {
            WorkingDirectory = server.WorkingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])["-c", GuardScript, "hubtest-guard", string.Join(' ', afterExit.Select(Quote)), folder, server.FileName])
        {
            guard.ArgumentList.Add(argument);
        }

        foreach (var argument in server.ArgumentList)
        {
            guard.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in server.Environment)
        {
            guard.Environment[name] = value;
        }

        _process = new Process { StartInfo = guard };
        _process.OutputDataReceived += (_, e) => _output.Add(e.Data);
        _process.ErrorDataReceived += (_, e) => _output.Add(e.Data);
    }

    /// <summary>
    /// True once the server exited, and then after its last output lines arrived (for a while at most: a child that
    /// outlived it may hold the pipe), so that <see cref="Output"/> says why it exited.
    /// </summary>
    public bool HasExited
    {
        get
        {
            if (!_process.HasExited)
            {
                return false;
            }
            // Only the untimed WaitForExit and WaitForExitAsync wait for the output streams' end; the timed one does not.
            using var drain = new CancellationTokenSource(OutputDrainTimeout);
            try
            {
                _process.WaitForExitAsync(drain.Token).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
            }
            return true;
        }
    }

    public int ExitCode => _process.ExitCode;

    /// <summary>The last lines the server wrote to stdout/stderr.</summary>
    public string Output => _output.ToString();

    /// <param name="server">How to start the server (see <see cref="ServiceAccount.StartInfo"/>).</param>
    /// <param name="folder">The server's temp folder, deleted if the server is orphaned.</param>
    /// <param name="afterExit">A command to run once the server is gone (e.g. stop the epmd it spawned); may be empty.</param>
    public static ServerProcess Start(ProcessStartInfo server, string folder, params string[] afterExit)
    {
        var process = new ServerProcess(server, folder, afterExit);
        process._process.Start();
        Live[process] = 0;
        process._process.BeginOutputReadLine();
        process._process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Waits for the server to exit by itself; false on timeout.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(timeoutSource.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Kills whatever is left of the server's process tree and runs the after-exit command; never throws.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Exited while the tree was being killed.
        }

        // epmd refuses to stop while it still lists the node, which a just-killed node may briefly be.
        for (var attempt = 0; attempt < 10 && _afterExit.Length > 0; attempt++)
        {
            if (Command.RunQuietly(new ProcessStartInfo(_afterExit[0], _afterExit[1..]) { UseShellExecute = false }, TimeSpan.FromSeconds(5)))
            {
                break;
            }

            Thread.Sleep(200);
        }

        _process.Dispose();
        Live.TryRemove(this, out _);
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
