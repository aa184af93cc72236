using Hub.Testing.Servers;

namespace Hub.Integration.Tests.Hosting;

/// <summary>
/// One RabbitMQ node and one PostgreSQL cluster for the whole test run, started on first use; every hub on them
/// gets a virtual host and a database of its own, so it starts as empty as on fresh servers. Starting a node
/// costs many seconds, a virtual host or a database a fraction of that. Tests that stop or restart a server start
/// their own instead. <see cref="SharedServersTestFramework"/> stops both once the last test has run; a test process
/// that crashes or is killed takes them with it (see ServerProcess).
/// </summary>
internal static class SharedServers
{
    private static readonly Lazy<Task<RabbitMqServer>> Broker = new(() => RabbitMqServer.StartAsync());
    private static readonly Lazy<Task<PostgresServer>> Postgres = new(() => PostgresServer.StartAsync());
    private static int _created;

    /// <summary>A fresh virtual host on the shared node, named after <paramref name="purpose"/>; its AMQP URI.</summary>
    public static async Task<Uri> NewVirtualHostAsync(string purpose) =>
        await (await Broker.Value).CreateVirtualHostAsync(UniqueName(purpose));

    /// <summary>A fresh database on the shared cluster, named after <paramref name="purpose"/>; its connection string.</summary>
    public static async Task<string> NewDatabaseAsync(string purpose) =>
        await (await Postgres.Value).CreateDatabaseAsync(UniqueName(purpose));

    /// <summary>Stops whichever of the two was started; never throws.</summary>
    public static async Task StopAsync()
    {
        if (Broker.IsValueCreated && Broker.Value.IsCompletedSuccessfully)
        {
            await Broker.Value.Result.DisposeAsync();
        }
        if (Postgres.IsValueCreated && Postgres.Value.IsCompletedSuccessfully)
        {
            await Postgres.Value.Result.DisposeAsync();
        }
    }

    private static string UniqueName(string purpose) => $"{purpose}-{Interlocked.Increment(ref _created)}";
}
