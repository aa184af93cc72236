using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Hub.Testing.Servers;

/// <summary>
/// A throwaway PostgreSQL cluster (initdb + postgres) from the installed binaries on a free loopback port,
/// with trust authentication and all data in a fresh temp folder. Dispose it to stop it and delete the folder.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string ServiceUser = "postgres";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly Dictionary<string, string> NoEnvironment = [];

    private readonly string _root;
    private readonly OneAtATime _gate = new();
    private ServerProcess? _process;
    private int _disposed;

    private PostgresServer(string root)
    {
        _root = root;
        Port = FreePorts.Take(1)[0];
    }

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; }

    private string DataDirectory => Path.Combine(_root, "data");

    /// <summary>Initialises a fresh cluster, starts it and waits until it answers queries.</summary>
    public static async Task<PostgresServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var server = new PostgresServer(Directory.CreateTempSubdirectory("hubtest-postgres-").FullName);
        try
        {
            await server.InitializeClusterAsync(cancellationToken);
            await server.LaunchAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary><c>Host=127.0.0.1;Port={port};Username=postgres;Database={database}</c></summary>
    public string ConnectionString(string database = "postgres") =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = "postgres",
            Database = database,
        }.ConnectionString;

    /// <summary>Creates a database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        await using var connection = new NpgsqlConnection(AdminConnectionString());
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"CREATE DATABASE \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
        await command.ExecuteNonQueryAsync(cancellationToken);
        return ConnectionString(name);
    }

    /// <summary>
    /// Stops the server as an operator restarting it does (<c>pg_ctl stop -m fast</c>: open connections are
    /// cut, committed data stays); its data stays for <see cref="StartAgainAsync"/>.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken = default) =>
        _gate.RunAsync(() => StopCoreAsync("fast", cancellationToken), cancellationToken);

    /// <summary>Starts a stopped server again on the same port with the same data.</summary>
    public Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _gate.RunAsync(
            () => _process is null
                ? LaunchAsync(cancellationToken)
                : throw new InvalidOperationException($"PostgreSQL on 127.0.0.1:{Port} is already running."),
            cancellationToken);
    }

    /// <summary>Stops the server (immediate shutdown) and deletes its temp folder; never throws.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _gate.RunAsync(
            async () =>
            {
                try
                {
                    await StopCoreAsync("immediate", CancellationToken.None);
                }
#pragma warning disable CA1031 // Disposal never throws; the process tree is killed regardless.
                catch (Exception)
#pragma warning restore CA1031
                {
                }
                finally
                {
                    TempFolder.TryDelete(_root);
                }
            },
            CancellationToken.None);
    }

    private async Task StopCoreAsync(string mode, CancellationToken cancellationToken)
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
                var stop = ServiceAccount.StartInfo(
                    ServiceUser, Binaries.Postgres("pg_ctl"), ["-D", DataDirectory, "stop", "-m", mode, "-w"], NoEnvironment, _root);
                await Command.RunAsync(stop, TimeSpan.FromSeconds(15), cancellationToken);
                await process.WaitForExitAsync(TimeSpan.FromSeconds(10), cancellationToken);
            }
        }
        finally
        {
            // Kills anything still alive.
            process.Dispose();
            _process = null;
        }
    }

    private async Task InitializeClusterAsync(CancellationToken cancellationToken)
    {
        // Found first, so that a machine without PostgreSQL hears how to install it, not that its user is unknown.
        var initdbPath = Binaries.Postgres("initdb");
        await ServiceAccount.GiveOwnershipAsync(_root, ServiceUser, cancellationToken);
        var initdb = ServiceAccount.StartInfo(
            ServiceUser,
            initdbPath,
            ["-D", DataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"],
            NoEnvironment,
            _root);
        (await Command.RunAsync(initdb, StartTimeout, cancellationToken)).ThrowIfFailed();
    }

    private async Task LaunchAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.StartNew();
        var postgres = ServiceAccount.StartInfo(
            ServiceUser,
            Binaries.Postgres("postgres"),
            [
                "-D", DataDirectory,
                "-p", Port.ToString(CultureInfo.InvariantCulture),
                "-c", "listen_addresses=127.0.0.1",
                // No Unix socket: /var/run/postgresql may not be writable, and tests connect over TCP anyway.
                "-c", "unix_socket_directories=",
            ],
            NoEnvironment,
            _root);
        _process = ServerProcess.Start(postgres, _root);

        while (!await AnswersQueriesAsync(cancellationToken))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException(Describe($"exited with code {_process.ExitCode} while starting"));
            }

            if (started.Elapsed > StartTimeout)
            {
                throw new TimeoutException(Describe($"did not answer queries within {StartTimeout.TotalSeconds:0} s"));
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private async Task<bool> AnswersQueriesAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(AdminConnectionString());
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("select 1", connection);
            return Equals(await command.ExecuteScalarAsync(cancellationToken), 1);
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    // Unpooled, so this class leaves no idle connections behind in Npgsql's pools.
    private string AdminConnectionString() =>
        new NpgsqlConnectionStringBuilder(ConnectionString()) { Pooling = false, Timeout = 3 }.ConnectionString;

    private string Describe(string what) =>
        $"PostgreSQL on 127.0.0.1:{Port} (data {DataDirectory}) {what}.\n--- server output ---\n{_process?.Output}";
}
