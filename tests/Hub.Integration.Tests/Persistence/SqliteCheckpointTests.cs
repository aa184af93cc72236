using System.Net;
using Hub.Integration.Tests.Hosting;
using Hub.Testing.Servers;
using Microsoft.Data.Sqlite;
using static Hub.Integration.Tests.Connectors.Salesforce.SalesforceHub;

namespace Hub.Integration.Tests.Persistence;

/// <summary>
/// No commit of the embedded hub copies SQLite's write-ahead log back into its file; a background checkpoint does,
/// about every second, for the main file and the ingress buffer's. Seen from outside: what was written reaches the
/// files themselves while the hub runs, not only their logs.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class SqliteCheckpointTests
{
    [Fact]
    public async Task Written_touchpoints_reach_both_sqlite_files_themselves_while_the_hub_runs()
    {
        await using var hub = await EmbeddedHub.StartAsync();
        var batch = $"{{\"batch\":[{string.Join(",", Enumerable.Range(0, 20).Select(n => SignedWebhookSender.Identify(n, 5)))}]}}";
        using (var response = await hub.Sender.SendAsync(batch))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        await EventuallyAsync(async () => await hub.CountAsync("timeline") == 20, "the touchpoints on the timeline");

        await EventuallyAsync(async () => await CountInFileAloneAsync(hub.DatabasePath, "timeline") == 20,
            "the timeline rows in hub.db itself (its log checkpointed)");
        // The buffer's rows were applied and deleted; its file itself has the table, and the deletes.
        await EventuallyAsync(async () => await CountInFileAloneAsync(hub.IngressBufferPath, "ingress_buffer") == 0,
            "the ingress buffer file itself up to date (its log checkpointed)");
    }

    /// <summary>Rows of <paramref name="table"/> in a copy of the file without its log; -1 when the copy has no such table yet.</summary>
    private static async Task<long> CountInFileAloneAsync(string path, string table)
    {
        var copy = Path.Combine(Path.GetTempPath(), $"hub-checkpoint-{Guid.NewGuid():N}.db");
        try
        {
            // The hub may be writing the file as it is copied; a torn copy fails to read, and the caller tries again.
            await using (var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            await using (var target = File.Create(copy))
            {
                await source.CopyToAsync(target);
            }
            await using var connection = new SqliteConnection($"Data Source={copy};Pooling=False");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"select count(*) from sqlite_master where type = 'table' and name = '{table}'";
            if (Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                return -1;
            }
            return await HubTables.CountAsync(connection, table);
        }
        catch (SqliteException)
        {
            return -1;
        }
        finally
        {
            foreach (var file in new[] { copy, copy + "-wal", copy + "-shm" })
            {
                File.Delete(file);
            }
        }
    }
}
