using System.Diagnostics;

namespace Hub.Testing.Servers;

/// <summary>Runs a short-lived helper command (initdb, pg_ctl, rabbitmqctl, chown) to completion.</summary>
internal static class Command
{
    public static async Task<CommandResult> RunAsync(ProcessStartInfo info, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var description = $"{info.FileName} {string.Join(' ', info.ArgumentList)}";
        var output = new OutputTail(200);
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => output.Add(e.Data);
        process.ErrorDataReceived += (_, e) => output.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(timeoutSource.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            return new CommandResult(description, -1, $"timed out after {timeout.TotalSeconds:0} s\n{output}");
        }

        // Makes sure the asynchronous output readers have drained.
        await process.WaitForExitAsync(CancellationToken.None);
        return new CommandResult(description, process.ExitCode, output.ToString());
    }

    /// <summary>Synchronous variant for clean-up paths (Dispose, ProcessExit); true if it exited with 0; never throws.</summary>
    public static bool RunQuietly(ProcessStartInfo info, TimeSpan timeout)
    {
        try
        {
            info.RedirectStandardOutput = true;
            info.RedirectStandardError = true;
            using var process = Process.Start(info);
            if (process is null)
            {
                return false;
            }

            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (process.WaitForExit(timeout))
            {
                return process.ExitCode == 0;
            }

            process.Kill(entireProcessTree: true);
            return false;
        }
#pragma warning disable CA1031 // Clean-up must not fail the test run.
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }
}
