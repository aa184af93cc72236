using Hub.Testing.Servers;

namespace Hub.Benchmarks.Hosting;

/// <summary>The throwaway RabbitMQ and PostgreSQL servers of one run, started side by side, stopped together.</summary>
internal sealed class BenchmarkServers : IAsyncDisposable
{
    private BenchmarkServers(RabbitMqServer broker, PostgresServer postgres)
    {
        Broker = broker;
        Postgres = postgres;
    }

    public RabbitMqServer Broker { get; }

    public PostgresServer Postgres { get; }

    public static async Task<BenchmarkServers> StartAsync(CancellationToken cancellationToken)
    {
        var broker = RabbitMqServer.StartAsync(cancellationToken);
        var postgres = PostgresServer.StartAsync(cancellationToken);
        try
        {
            await Task.WhenAll(broker, postgres);
        }
        catch
        {
            // One may have started although the other failed.
            if (broker.IsCompletedSuccessfully)
            {
                await broker.Result.DisposeAsync();
            }
            if (postgres.IsCompletedSuccessfully)
            {
                await postgres.Result.DisposeAsync();
            }
            throw;
        }
        return new BenchmarkServers(broker.Result, postgres.Result);
    }

    public async ValueTask DisposeAsync()
    {
        await Broker.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}
