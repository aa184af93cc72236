using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Reflection;
using System.Text;

namespace Hub.Testing.Servers;

/// <summary>
/// The hub as an operator runs it: <c>dotnet Hub.Server.dll</c> in its own process, configured through
/// <c>Hub__...</c> environment variables, on a free loopback port. Can be killed like kill -9.
/// </summary>
public sealed class HubProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private int _disposed;

    private HubProcess(Process process, Uri baseAddress, string apiKey)
    {
        _process = process;
        BaseAddress = baseAddress;
        ApiKey = apiKey;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
    }

    public Uri BaseAddress { get; }

    public string ApiKey { get; }

    /// <summary>An HTTP client for the hub that sends the API key.</summary>
    public HttpClient Client { get; }

    /// <summary>The operating system's id of the hub process (for /proc readings).</summary>
    public int ProcessId => _process.Id;

    /// <summary>The most resident memory the process has had so far (VmHWM in /proc/&lt;pid&gt;/status); 0 when unreadable.</summary>
    public long PeakWorkingSetBytes => StatusBytes("VmHWM");

    /// <summary>
    /// What is resident now, by kind: anonymous (the managed heap and other private memory), mapped files (SQLite maps
    /// its files, which the OS can drop and read again) and shared memory (SQLite's WAL index); 0 each when unreadable.
    /// </summary>
    public ResidentMemory ResidentBytes => new(StatusBytes("RssAnon"), StatusBytes("RssFile"), StatusBytes("RssShmem"));

    private long StatusBytes(string field)
    {
        try
        {
            var line = File.ReadLines($"/proc/{ProcessId}/status").FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
            var kilobytes = line?.Split(' ', '\t', StringSplitOptions.RemoveEmptyEntries)[1];
            return kilobytes is null ? 0 : long.Parse(kilobytes, System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<HubProcess> StartAsync(IReadOnlyDictionary<string, string> settings, string workingDirectory)
    {
        var dll = ServerAssembly();
        var port = FreePort();
        var apiKey = "test-key-" + Guid.NewGuid().ToString("N");
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.GetFullPath(dll));
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        // A hub has the dynamic PGO setting of the process that starts it. The integration tests turn PGO off (in their
        // project): their hubs live seconds to minutes and never pay back the second compilation of their hot methods
        // (MultiProcessResolutionTests used a fifth less CPU). The benchmark keeps .NET's default, as the product ships.
        if (AppContext.TryGetSwitch("System.Runtime.TieredPGO", out var tieredPgo) && !tieredPgo)
        {
            info.Environment["DOTNET_TieredPGO"] = "0";
        }
        info.Environment["Hub__ApiKeys__tests"] = apiKey;
        foreach (var (key, value) in settings)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        var process = new Process { StartInfo = info };
        var hub = new HubProcess(process, new Uri($"http://127.0.0.1:{port}/"), apiKey);
        process.OutputDataReceived += (_, e) => hub.Append(e.Data);
        process.ErrorDataReceived += (_, e) => hub.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await hub.WaitUntilReadyAsync();
        return hub;
    }

    /// <summary>The environment variable naming another build of Hub.Server.dll to run (tests/run.sh: a ReadyToRun publish).</summary>
    public const string ServerAssemblyVariable = "HUB_SERVER_ASSEMBLY";

    /// <summary>
    /// <see cref="ServerAssemblyVariable"/> when it is set, else the build output of src/Hub.Server in this configuration.
    /// </summary>
    public static string ServerAssembly()
    {
        if (Environment.GetEnvironmentVariable(ServerAssemblyVariable) is { Length: > 0 } published)
        {
            return File.Exists(published)
                ? published
                : throw new FileNotFoundException($"{ServerAssemblyVariable} names {published}, which does not exist.", published);
        }
        return typeof(HubProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "HubServerAssembly").Value!;
    }

    /// <summary>Like kill -9: no shutdown hooks, no flushing.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>
    /// Like <c>kill &lt;pid&gt;</c> (SIGTERM, what systemd and docker stop send): the host shuts down gracefully. Returns the
    /// exit code; throws when the process has not exited within <paramref name="bound"/> (a hang, not a slow stop).
    /// </summary>
    public async Task<int> TerminateAsync(TimeSpan bound)
    {
        using (var kill = Process.Start("kill", ["-TERM", ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        using var timeout = new CancellationTokenSource(bound);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The hub had not exited {bound.TotalSeconds} s after SIGTERM:{Environment.NewLine}{Output}");
        }
        return _process.ExitCode;
    }

    public async Task<bool> IsReadyAsync()
    {
        try
        {
            using var response = await Client.GetAsync(new Uri("health/ready", UriKind.Relative));
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // A restart that failed leaves the disposed process in its fixture, which disposes it again at the end:
        // that second call must not hide the failure.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        await KillAsync();
        _process.Dispose();
        Client.Dispose();
    }

    private async Task WaitUntilReadyAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                // HasExited can be true before the output handlers saw the last lines, which say why it exited; only
                // WaitForExitAsync (and the untimed WaitForExit) wait for the output streams' end.
                using var drain = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    await _process.WaitForExitAsync(drain.Token);
                }
                catch (OperationCanceledException)
                {
                }
                throw new InvalidOperationException($"The hub exited with code {_process.ExitCode} while starting:{Environment.NewLine}{Output}");
            }
            if (await IsReadyAsync())
            {
                return;
            }
            await Task.Delay(200);
        }
        await KillAsync();
        throw new TimeoutException($"The hub was not ready within {StartTimeout.TotalSeconds} s:{Environment.NewLine}{Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Resident memory of a process by kind, in bytes (RssAnon, RssFile, RssShmem).</summary>
public readonly record struct ResidentMemory(long Anonymous, long MappedFiles, long Shared);
