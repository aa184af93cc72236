using System.Diagnostics;
using System.Globalization;

namespace Hub.Testing.Servers;

/// <summary>
/// A throwaway RabbitMQ node started from the installed binaries on free loopback ports, with all its data
/// in a fresh temp folder. Dispose it to stop the node and delete the folder.
/// </summary>
public sealed class RabbitMqServer : IAsyncDisposable
{
    private const string ServiceUser = "rabbitmq";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly string _root;
    private readonly string _nodeName = $"hubtest-{Guid.NewGuid():N}"[..20] + "@localhost";
    private readonly Dictionary<string, string> _environment;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ServerProcess? _process;
    private int _disposed;

    private RabbitMqServer(string root)
    {
        _root = root;
        var ports = FreePorts.Take(3);
        AmqpPort = ports[0];
        _environment = new()
        {
            ["HOME"] = Path.Combine(root, "home"), // the Erlang cookie shared by the node and rabbitmqctl
            ["RABBITMQ_NODENAME"] = _nodeName,
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = AmqpPort.ToString(CultureInfo.InvariantCulture),
            ["RABBITMQ_DIST_PORT"] = ports[1].ToString(CultureInfo.InvariantCulture),
            // The CLI tools otherwise all listen on 35672-35682, shared by every node on the machine.
            ["RABBITMQ_CTL_DIST_PORT_MIN"] = "0",
            ["RABBITMQ_CTL_DIST_PORT_MAX"] = "0",
            ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}",
            // A private epmd per node, so it can be stopped with the node without hurting anyone else's.
            ["ERL_EPMD_PORT"] = ports[2].ToString(CultureInfo.InvariantCulture),
            ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(root, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(root, "log"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(root, "enabled_plugins"),
            // Keep /etc/rabbitmq out of the picture.
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(root, "rabbitmq.conf"),
            ["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(root, "advanced.config"),
            ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(root, "rabbitmq-env.conf"),
            ["LC_ALL"] = "C.UTF-8",
        };
    }

    /// <summary>The loopback port the node accepts AMQP connections on; stays the same across restarts.</summary>
    public int AmqpPort { get; }

    /// <summary><c>amqp://guest:guest@127.0.0.1:{port}/</c></summary>
    public Uri AmqpUri => new($"amqp://guest:guest@127.0.0.1:{AmqpPort}/");

    private string LogFile => Path.Combine(_root, "log", $"{_nodeName}.log");

    /// <summary>
    /// Creates a virtual host that guest may use fully and returns its AMQP URI: a test's own exchanges and queues
    /// on a node shared with other tests (a node takes many seconds to start, a virtual host two short CLI calls).
    /// </summary>
    public async Task<Uri> CreateVirtualHostAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_process is null)
            {
                throw new InvalidOperationException($"RabbitMQ node {_nodeName} is not running.");
            }

            foreach (string[] arguments in (string[][])[["add_vhost", name], ["set_permissions", "-p", name, "guest", ".*", ".*", ".*"]])
            {
                var command = ServiceAccount.StartInfo(ServiceUser, Binaries.RabbitMq("rabbitmqctl"), ["-n", _nodeName, .. arguments], _environment, _root);
                (await Command.RunAsync(command, StopTimeout, cancellationToken)).ThrowIfFailed();
            }
        }
        finally
        {
            _gate.Release();
        }

        return new Uri($"amqp://guest:guest@127.0.0.1:{AmqpPort}/{Uri.EscapeDataString(name)}");
    }

    /// <summary>Starts a fresh node and waits until it serves AMQP.</summary>
    public static async Task<RabbitMqServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var server = new RabbitMqServer(Directory.CreateTempSubdirectory("hubtest-rabbitmq-").FullName);
        try
        {
            await server.PrepareAsync(cancellationToken);
            await server.LaunchAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the node gracefully; its data stays for <see cref="StartAgainAsync"/>.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await StopCoreAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Restarts a stopped node on the same port with the same data (durable queues and persistent messages survive).</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_process is not null)
            {
                throw new InvalidOperationException($"RabbitMQ node {_nodeName} is already running.");
            }

            try
            {
                await LaunchAsync(cancellationToken);
            }
            catch (InvalidOperationException e) when (e.Message.Contains("nodistribution", StringComparison.Ordinal))
            {
                // Erlang could not register the node with epmd (a restart can meet the old epmd on its way out
                // despite the wait in LaunchAsync): the node never started, so starting it once more is safe.
                await LaunchAsync(cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops the node if it runs and deletes its temp folder; never throws.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _gate.WaitAsync();
        try
        {
            await StopCoreAsync(CancellationToken.None);
        }
#pragma warning disable CA1031 // Disposal never throws; the process tree is killed below regardless.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
        finally
        {
            _process?.Dispose();
            _process = null;
            TempFolder.TryDelete(_root);
            _gate.Release();
        }
    }

    private async Task PrepareAsync(CancellationToken cancellationToken)
    {
        // Found first, so that a machine without RabbitMQ hears how to install it, not that its user is unknown.
        _ = Binaries.RabbitMq("rabbitmq-server");
        Directory.CreateDirectory(Path.Combine(_root, "home"));
        Directory.CreateDirectory(Path.Combine(_root, "mnesia"));
        Directory.CreateDirectory(Path.Combine(_root, "log"));
        await File.WriteAllTextAsync(Path.Combine(_root, "enabled_plugins"), "[].\n", cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(_root, "rabbitmq-env.conf"), string.Empty, cancellationToken);
        // Small CI disks must not trip the disk alarm, which silently blocks every publisher.
        await File.WriteAllTextAsync(Path.Combine(_root, "rabbitmq.conf"), "disk_free_limit.absolute = 1MB\n", cancellationToken);
        await ServiceAccount.GiveOwnershipAsync(_root, ServiceUser, cancellationToken);
    }

    private async Task LaunchAsync(CancellationToken cancellationToken)
    {
        await WaitForEpmdToLeaveAsync(cancellationToken);
        var started = Stopwatch.StartNew();
        var process = ServerProcess.Start(
            ServiceAccount.StartInfo(ServiceUser, Binaries.RabbitMq("rabbitmq-server"), [], _environment, _root),
            _root,
            Binaries.Epmd(), "-port", _environment["ERL_EPMD_PORT"], "-kill");
        _process = process;

        try
        {
            while (!await AmqpProbe.IsServingAsync(AmqpPort, cancellationToken))
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException(Describe($"exited with code {process.ExitCode} while starting"));
                }

                if (started.Elapsed > StartTimeout)
                {
                    throw new TimeoutException(Describe($"did not serve AMQP within {StartTimeout.TotalSeconds:0} s"));
                }

                await Task.Delay(200, cancellationToken);
            }
        }
        catch
        {
            process.Dispose();
            _process = null;
            throw;
        }
    }

    /// <summary>
    /// A restart finds the epmd of the node's last run perhaps still on its way out (<c>epmd -kill</c> returns before
    /// it is gone): the new node would take it for a running epmd, fail to register with it, and stop
    /// ("nodistribution"). So wait until nothing listens on the node's epmd port any more.
    /// </summary>
    private async Task WaitForEpmdToLeaveAsync(CancellationToken cancellationToken)
    {
        var port = int.Parse(_environment["ERL_EPMD_PORT"], CultureInfo.InvariantCulture);
        var waited = Stopwatch.StartNew();
        while (await FreePorts.IsListeningAsync(port, cancellationToken))
        {
            if (waited.Elapsed > StopTimeout)
            {
                throw new TimeoutException($"The epmd of RabbitMQ node {_nodeName} still listens on 127.0.0.1:{port} {StopTimeout.TotalSeconds:0} s after it was stopped.");
            }
            await Task.Delay(100, cancellationToken);
        }
    }

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        var process = _process;
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                var stop = ServiceAccount.StartInfo(ServiceUser, Binaries.RabbitMq("rabbitmqctl"), ["-n", _nodeName, "stop"], _environment, _root);
                var result = await Command.RunAsync(stop, StopTimeout, cancellationToken);
                if (result.Succeeded)
                {
                    await process.WaitForExitAsync(StopTimeout, cancellationToken);
                }
            }
        }
        finally
        {
            // Kills anything still alive and stops the node's epmd.
            process.Dispose();
            _process = null;
        }
    }

    private string Describe(string what) =>
        $"RabbitMQ node {_nodeName} (AMQP 127.0.0.1:{AmqpPort}, data {_root}) {what}.\n" +
        $"--- server output ---\n{_process?.Output}\n--- tail of {LogFile} ---\n{OutputTail.OfFile(LogFile)}";
}
