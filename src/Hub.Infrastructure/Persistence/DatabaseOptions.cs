using System.ComponentModel;

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
}

public enum DatabaseProvider
{
    Sqlite,
    PostgreSql,
}
