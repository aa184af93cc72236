using System.Data.Common;
using Hub.Infrastructure.Configuration;
using Hub.Infrastructure.KeyRing;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;

namespace Hub.Infrastructure.Persistence;

public static class PersistenceExtensions
{
    /// <summary>
    /// Registers <see cref="HubDbContext"/> on the configured provider, applies migrations at start, and keeps the Data
    /// Protection key ring in the database.
    /// </summary>
    public static IServiceCollection AddHubPersistence(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        services.AddSingleton(options);
        string? sqliteFile = null;
        if (options.Provider == DatabaseProvider.PostgreSql)
        {
            var connectionString = PostgresConnectionString(
                options.ConnectionString
                    ?? throw new HubConfigurationException("Hub:Database:ConnectionString is required when Hub:Database:Provider is PostgreSql."),
                IsFromAppSettingsJson(configuration, $"{DatabaseOptions.Section}:{nameof(DatabaseOptions.ConnectionString)}"));
            services.AddDbContext<HubDbContext, PostgresHubDbContext>(o => o.UseNpgsql(connectionString, OneCollectionParameter));
            services.AddDbContext<IngressBufferDbContext, PostgresIngressBufferDbContext>(o => o.UseNpgsql(connectionString, OneCollectionParameter));
        }
        else
        {
            var connectionString = sqliteFile = SqliteConnectionString(options.EffectiveConnectionString);
            services.AddDbContext<HubDbContext, SqliteHubDbContext>(o => o.UseSqlite(connectionString, OneCollectionParameter).AddInterceptors(SqliteSettings));
            services.AddDbContext<IngressBufferDbContext, SqliteIngressBufferDbContext>(o => o.UseSqlite(IngressBufferConnectionString(connectionString), OneCollectionParameter).AddInterceptors(SqliteSettings));
        }
        services.AddHostedService<DatabaseMigrator>();
        services.AddHostedService(sp => new DerivedKeyBackfill(
            sp.GetRequiredService<IServiceScopeFactory>(), sp.GetService<TimeProvider>() ?? TimeProvider.System, sp.GetRequiredService<ILogger<DerivedKeyBackfill>>()));
        services.AddSingleton<WriterPause>();
        if (sqliteFile is not null)
        {
            services.AddHostedService(sp => new SqliteCheckpointer(
                [new(sqliteFile, sp.GetRequiredService<WriterPause>()), new(IngressBufferConnectionString(sqliteFile))],
                sp.GetService<TimeProvider>() ?? TimeProvider.System,
                sp.GetRequiredService<ILogger<SqliteCheckpointer>>()));
        }
        // One key ring for every hub process: a cookie signed by one is read by the others, and so are the connector secrets.
        // Each key is encrypted before it is stored when Hub:DataProtection says how (see KeyRingProtection).
        services.AddDataProtection().SetApplicationName("Hub").PersistKeysToDbContext<HubDbContext>().ProtectKeyRing(configuration);
        return services;
    }

    private static readonly SqliteConnectionSettings SqliteSettings = new();

    // EF 10 writes ids.Contains(x) as IN (@p1, @p2, ...), padded to a few lengths: one SQL text, compiled query and
    // prepared statement per length, and resolution groups carry lists of anything from 1 to hundreds of ids. One array
    // parameter (json_each on SQLite, = ANY on PostgreSQL) is one SQL text whatever the length. The resolution's hot
    // lookups join the list instead (KeySetJoin.WhereKeyIn): a prepared = ANY compares each scanned row with every id.
    private static void OneCollectionParameter(SqliteDbContextOptionsBuilder sqlite) => sqlite.UseParameterizedCollectionMode(ParameterTranslationMode.Parameter);

    private static void OneCollectionParameter(NpgsqlDbContextOptionsBuilder postgres) => postgres.UseParameterizedCollectionMode(ParameterTranslationMode.Parameter);

    /// <summary>
    /// Statements the hub runs often are prepared on each connection unless the connection string says otherwise: the
    /// resolution transaction repeats the same few dozen statements, and PostgreSQL then skips parsing and planning
    /// them, which halved its CPU per touchpoint in the resolution benchmark. <c>Max Auto Prepare=0</c> turns it off,
    /// e.g. behind a pooler in transaction mode that cannot keep prepared statements.
    /// </summary>
    /// <param name="configured">The connection string as configured.</param>
    /// <param name="fromAppSettingsJson">Whether it is the one appsettings.json gives (the embedded mode's file), set by no one else.</param>
    internal static string PostgresConnectionString(string configured, bool fromAppSettingsJson = false)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(configured);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            // appsettings.json gives the embedded mode's SQLite file, so a provider switched without a connection string lands here.
            var problem = TryParse(() => new SqliteConnectionStringBuilder(configured)) is not { } sqlite
                ? $"it is not a valid PostgreSQL connection string ({e.Message})"
                : fromAppSettingsJson
                    ? $"it is a SQLite connection string (Data Source={sqlite.DataSource}: appsettings.json gives the embedded mode's file when no connection string is set)"
                    : $"it is a SQLite connection string (Data Source={sqlite.DataSource})";
            throw new HubConfigurationException(
                $"Hub:Database:Provider is PostgreSql, so Hub:Database:ConnectionString must be a PostgreSQL connection string such as {ExpectedPostgresForm}, but {problem}.", e);
        }
        // Npgsql's builder reports every keyword it knows as present, so look at what was written.
        var written = new DbConnectionStringBuilder { ConnectionString = configured }.Keys.Cast<string>()
            .Select(key => key.Replace(" ", "", StringComparison.Ordinal));
        if (!written.Contains(nameof(NpgsqlConnectionStringBuilder.MaxAutoPrepare), StringComparer.OrdinalIgnoreCase))
        {
            builder.MaxAutoPrepare = DefaultMaxAutoPrepare;
        }
        return builder.ConnectionString;
    }

    /// <summary>Whether <paramref name="key"/>'s value comes from an appsettings*.json file, not from the operator's environment or arguments.</summary>
    private static bool IsFromAppSettingsJson(IConfiguration configuration, string key) =>
        configuration is IConfigurationRoot root
        && root.Providers.Reverse().FirstOrDefault(p => p.TryGet(key, out _)) is FileConfigurationProvider { Source.Path: { } path }
        && Path.GetFileName(path).StartsWith("appsettings", StringComparison.OrdinalIgnoreCase);

    internal const int DefaultMaxAutoPrepare = 100;

    internal const string ExpectedPostgresForm = "Host=db;Port=5432;Database=hub;Username=hub;Password=...";

    private static T? TryParse<T>(Func<T> parse)
        where T : class
    {
        try
        {
            return parse();
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            return null;
        }
    }

    /// <summary>The ingress buffer's SQLite file: the main file's name with <c>-ingress</c>, in the same directory.</summary>
    internal static string IngressBufferConnectionString(string mainConnectionString)
    {
        var builder = new SqliteConnectionStringBuilder(mainConnectionString);
        var main = builder.DataSource;
        builder.DataSource = Path.Combine(Path.GetDirectoryName(main) ?? "", Path.GetFileNameWithoutExtension(main) + "-ingress" + Path.GetExtension(main));
        return builder.ToString();
    }

    internal static string SqliteConnectionString(string configured)
    {
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(configured) { DefaultTimeout = 30 };
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            // Hub:Database:Provider defaults to Sqlite, so a PostgreSQL deployment that misses (or misspells) it lands here.
            throw new HubConfigurationException(TryParse(() => new NpgsqlConnectionStringBuilder(configured)) is not null
                ? "Hub:Database:ConnectionString is a PostgreSQL connection string, but Hub:Database:Provider is Sqlite (its default): " +
                  "set Hub:Database:Provider=PostgreSql (environment variable Hub__Database__Provider=PostgreSql)."
                : $"Hub:Database:ConnectionString is not a valid SQLite connection string ({e.Message}); with Hub:Database:Provider=Sqlite it names a file, e.g. Data Source=data/hub.db.", e);
        }
        if (Path.GetDirectoryName(Path.GetFullPath(builder.DataSource)) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }
        return builder.ToString();
    }
}
