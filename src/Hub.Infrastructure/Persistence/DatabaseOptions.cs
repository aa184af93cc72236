namespace Hub.Infrastructure.Persistence;

/// <summary><c>Hub:Database</c>: which store and where.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Hub:Database";

    /// <summary><c>Sqlite</c> (embedded default) or <c>PostgreSql</c>.</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>The connection string; default for SQLite: <c>Data Source=data/hub.db</c>.</summary>
    public string? ConnectionString { get; set; }
}

public enum DatabaseProvider
{
    Sqlite,
    PostgreSql,
}
