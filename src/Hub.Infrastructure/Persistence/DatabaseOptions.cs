using System.ComponentModel;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Hub.Infrastructure.Persistence;

/// <summary><c>Hub:Database</c>: which store and where.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Hub:Database";

    /// <summary><c>Sqlite</c> (embedded default) or <c>PostgreSql</c>.</summary>
    [Description("`Sqlite` (embedded) or `PostgreSql` (production). Migrations are applied at start.")]
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>The connection string; default for SQLite: <c>Data Source=data/hub.db</c>.</summary>
    [Description("The connection string. None: `Data Source=data/hub.db` (SQLite, relative to the working directory; the ingress buffer of the in-memory bus goes into `hub-ingress.db` beside it). PostgreSQL e.g. `Host=db;Database=hub;Username=hub;Password=...`.")]
    public string? ConnectionString { get; set; }

    /// <summary>The connection string in force: the configured one, or the embedded default.</summary>
    public string EffectiveConnectionString => ConnectionString ?? DefaultSqliteConnectionString;

    public const string DefaultSqliteConnectionString = "Data Source=data/hub.db";

    /// <summary>
    /// Where the hub's data is, for the start-up summary: PostgreSQL's host, port and database, SQLite's file. Read
    /// with the provider's own connection-string parser and only those parts taken, so no password or key is shown.
    /// </summary>
    public string Location()
    {
        try
        {
            if (Provider == DatabaseProvider.PostgreSql)
            {
                var postgres = new NpgsqlConnectionStringBuilder(EffectiveConnectionString);
                return $"host {postgres.Host}, port {postgres.Port}, database {postgres.Database ?? "(the user's)"}";
            }
            return $"file {Path.GetFullPath(new SqliteConnectionStringBuilder(EffectiveConnectionString).DataSource)}";
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            return "an unreadable connection string";
        }
    }
}

public enum DatabaseProvider
{
    Sqlite,
    PostgreSql,
}
