using Hub.Testing.Servers;

namespace Hub.Integration.Tests.Hosting;

/// <summary>
/// One RabbitMQ node and one PostgreSQL cluster for the whole test run, started on first use; every hub on them
/// gets a virtual host and a database of its own, so it starts as empty as on fresh servers. Starting a node
/// costs many seconds, a virtual host or a database a fraction of that. Tests that stop or restart a server start
/// their own instead. Both servers stop with the test process (see ServerProcess), even when it is killed.
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

    private static string UniqueName(string purpose) => $"{purpose}-{Interlocked.Increment(ref _created)}";
}
