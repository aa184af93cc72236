using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Infrastructure.Persistence;

public static class PersistenceExtensions
{
    /// <summary>Registers <see cref="HubDbContext"/> on the configured provider and applies migrations at start.</summary>
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
            services.AddDbContext<HubDbContext, SqliteHubDbContext>(o => o.UseSqlite(connectionString));
        }
        services.AddHostedService<DatabaseMigrator>();
        return services;
    }

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
