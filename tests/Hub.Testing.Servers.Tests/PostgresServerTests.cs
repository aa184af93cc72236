using System.Net.Sockets;
using Npgsql;

namespace Hub.Testing.Servers.Tests;

public sealed class PostgresServerTests
{
    [Fact]
    public async Task Postgres_server_accepts_queries_and_creates_databases()
    {
        await using var server = await PostgresServer.StartAsync();

        Assert.Equal(1, await ScalarAsync(server.ConnectionString(), "select 1"));

        var connectionString = await server.CreateDatabaseAsync("orders_test");
        Assert.Equal(server.ConnectionString("orders_test"), connectionString);
        Assert.Equal("orders_test", await ScalarAsync(connectionString, "select current_database()"));
    }

    [Fact]
    public async Task Two_postgres_servers_run_side_by_side_and_disposing_one_leaves_the_other_running()
    {
        var first = await PostgresServer.StartAsync();
        await using var second = await PostgresServer.StartAsync();
        Assert.NotEqual(first.Port, second.Port);

        await first.DisposeAsync();

        Assert.Equal(SocketError.ConnectionRefused, await LoopbackPort.ConnectAsync(first.Port));
        Assert.Equal(1, await ScalarAsync(second.ConnectionString(), "select 1"));
    }

    [Fact]
    public async Task Postgres_server_refuses_connections_when_stopped_and_keeps_its_data_when_started_again()
    {
        await using var server = await PostgresServer.StartAsync();
        // Unpooled: a pooled connection would be one the restart cut.
        var database = await server.CreateDatabaseAsync("kept") + ";Pooling=false";
        await ScalarAsync(database, "create table t (n int); insert into t values (42)");

        await server.StopAsync();
        Assert.Equal(SocketError.ConnectionRefused, await LoopbackPort.ConnectAsync(server.Port));

        await server.StartAgainAsync();
        Assert.Equal(42, await ScalarAsync(database, "select n from t"));
    }

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
