using System.Data.Common;

namespace Hub.Integration.Tests.Hosting;

/// <summary>Readings of the hub's tables that mean the same on PostgreSQL and SQLite.</summary>
internal static class HubTables
{
    /// <summary>Every customer that was not merged into another, with its current version.</summary>
    public static async Task<Dictionary<Guid, long>> CustomerVersionsAsync(DbConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """select "Id", "Version" from customers where "MergedIntoId" is null""";
        var versions = new Dictionary<Guid, long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            versions[reader.GetGuid(0)] = reader.GetInt64(1);
        }
        return versions;
    }

    public static async Task<long> CountAsync(DbConnection connection, string table)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"select count(*) from {table}";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
