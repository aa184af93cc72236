using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

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
        if (options.Provider == DatabaseProvider.PostgreSql)
        {
            var connectionString = options.ConnectionString
                ?? throw new InvalidOperationException("Hub:Database:ConnectionString is required when Hub:Database:Provider is PostgreSql.");
            services.AddDbContext<HubDbContext, PostgresHubDbContext>(o => o.UseNpgsql(connectionString));
        }
        else
        {
            var connectionString = SqliteConnectionString(options.ConnectionString ?? "Data Source=data/hub.db");
            services.AddDbContext<HubDbContext, SqliteHubDbContext>(o => o.UseSqlite(connectionString).AddInterceptors(SqliteSettings));
        }
        services.AddHostedService<DatabaseMigrator>();
        // One key ring for every hub process: a cookie signed by one is read by the others, and so are the connector secrets.
        services.AddDataProtection().SetApplicationName("Hub").PersistKeysToDbContext<HubDbContext>();
        return services;
    }

    private static readonly SqliteConnectionSettings SqliteSettings = new();

    private static string SqliteConnectionString(string configured)
    {
        var builder = new SqliteConnectionStringBuilder(configured) { DefaultTimeout = 30 };
        if (Path.GetDirectoryName(Path.GetFullPath(builder.DataSource)) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }
        return builder.ToString();
    }
}
