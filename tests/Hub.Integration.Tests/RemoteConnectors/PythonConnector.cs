using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Hub.Integration.Tests.RemoteConnectors;

/// <summary>
/// One replica of the Python example connector (connectors/examples/python-remote/connector.py) as its own process on
/// a free loopback port; what it verified and recorded is read back from its record file.
/// </summary>
public sealed class PythonConnector : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private Process? _process;

    private PythonConnector(int port, string recordFile)
    {
        Port = port;
        RecordFile = recordFile;
    }

    public int Port { get; }

    public Uri Address => new($"http://127.0.0.1:{Port}/");

    public string RecordFile { get; }

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

    /// <summary>Takes a port now, so the hub can be configured with it before the replica starts.</summary>
    public static PythonConnector Reserve(string directory)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        return new PythonConnector(port, Path.Combine(directory, $"replica-{port}.jsonl"));
    }

    public async Task StartAsync(Uri hubUrl, string hubToken, string sourceSecret, string syncSecret)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "examples", "python-remote", "connector.py");
        var info = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(script);
        info.Environment["PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["HUB_URL"] = hubUrl.ToString();
        info.Environment["HUB_TOKEN"] = hubToken;
        info.Environment["SOURCE_SECRET"] = sourceSecret;
        info.Environment["SYNC_SECRET"] = syncSecret;
        info.Environment["RECORD_FILE"] = RecordFile;
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"connector.py exited with {_process.ExitCode}:{Environment.NewLine}{Output}");
            }
            try
            {
                using var response = await client.GetAsync(new Uri(Address, "health"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"connector.py did not answer /health:{Environment.NewLine}{Output}");
    }

    /// <summary>How many health probes the replica answered (its own start-up check included).</summary>
    public int HealthProbesAnswered => Output.Split('\n').Count(l => l.Contains("\"GET /health HTTP/1.1\" 200", StringComparison.Ordinal));

    /// <summary>Like kill -9.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>The recorded entries of one kind (<c>webhook</c> or <c>sync</c>).</summary>
    public List<JsonElement> Records(string kind)
    {
        if (!File.Exists(RecordFile))
        {
            return [];
        }
        return File.ReadAllLines(RecordFile)
            .Where(l => l.Length > 0)
            .Select(l => JsonDocument.Parse(l).RootElement.Clone())
            .Where(e => e.GetProperty("kind").GetString() == kind)
            .ToList();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
