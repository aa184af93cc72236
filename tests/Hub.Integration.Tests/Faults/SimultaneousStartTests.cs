using Hub.Integration.Tests.Hosting;
using Hub.Testing.Servers;
using Npgsql;

namespace Hub.Integration.Tests.Faults;

/// <summary>
/// Hub processes in production mode started at the same moment on a new database and virtual host, as an orchestrator
/// starts the replicas of a first deployment: all of them start (migrations one process at a time), and the first
/// admin account from Hub:Admin is created once.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class SimultaneousStartTests
{
    private const int Processes = 3;

    [Fact]
    public async Task Hub_processes_started_at_once_on_a_new_database_all_start_and_create_the_first_admin_once()
    {
        var broker = await SharedServers.NewVirtualHostAsync("start-at-once");
        var database = await SharedServers.NewDatabaseAsync("start-at-once");
        var settings = new Dictionary<string, string>(AdminForms.FirstAdminSettings)
        {
            ["Hub:Database:Provider"] = "PostgreSql",
            ["Hub:Database:ConnectionString"] = database,
            ["Hub:Bus:Transport"] = "RabbitMq",
            ["Hub:Bus:RabbitMqUri"] = broker.ToString(),
        };
        var directory = Directory.CreateTempSubdirectory("hub-start-at-once-").FullName;
        var starts = Enumerable.Range(0, Processes).Select(_ => HubProcess.StartAsync(settings, directory)).ToList();
        try
        {
            await Task.WhenAll(starts);
        }
        catch
        {
            // Every failed start says why in its exception (the hub's output); the first is enough.
        }
        finally
        {
            foreach (var start in starts.Where(s => s.IsCompletedSuccessfully))
            {
                await (await start).DisposeAsync();
            }
            Directory.Delete(directory, recursive: true);
        }
        Assert.All(starts, start => Assert.True(start.IsCompletedSuccessfully, start.Exception?.InnerException?.Message));

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        Assert.Equal(1L, await HubTables.CountAsync(connection, "admin_users"));
    }
}
