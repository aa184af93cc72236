using Hub.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hub.Integration.Tests.Persistence;

/// <summary>
/// Several hub processes starting at once on a new database: each runs the hub's migrator as it does at start (here
/// in one test process, each with its own services and connections), and every one must finish with the whole schema.
/// </summary>
public sealed class ConcurrentMigrationTests : IDisposable
{
    private const int Processes = 3;
    private const int Rounds = 3;
    private readonly ScratchDatabases _databases = new();

    [Theory]
    [MemberData(nameof(ScratchDatabases.Providers), MemberType = typeof(ScratchDatabases))]
    public async Task Migrators_started_at_once_on_a_new_database_all_succeed_and_leave_the_whole_schema(string provider)
    {
        for (var round = 0; round < Rounds; round++)
        {
            var connectionString = await _databases.NewAsync(provider, "migrate-at-once");
            var hubs = Enumerable.Range(0, Processes).Select(_ => Services(provider, connectionString)).ToList();
            try
            {
                var migrators = hubs.Select(h => h.GetServices<IHostedService>().OfType<DatabaseMigrator>().Single()).ToList();
                await Task.WhenAll(migrators.Select(m => Task.Run(() => m.StartAsync(CancellationToken.None))));
            }
            finally
            {
                foreach (var hub in hubs)
                {
                    await hub.DisposeAsync();
                }
            }
            await using var db = ScratchDatabases.Open(provider, connectionString);
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        }
    }

    [Theory]
    [MemberData(nameof(ScratchDatabases.Providers), MemberType = typeof(ScratchDatabases))]
    public async Task The_first_start_on_a_new_database_logs_no_error(string provider)
    {
        var connectionString = await _databases.NewAsync(provider, "first-start");
        var log = new ErrorLog();
        await using (var hub = Services(provider, connectionString, log))
        {
            await hub.GetServices<IHostedService>().OfType<DatabaseMigrator>().Single().StartAsync(CancellationToken.None);
        }

        Assert.Empty(log.Errors);
        await using var db = ScratchDatabases.Open(provider, connectionString);
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
    }

    public void Dispose() => _databases.Dispose();

    private static ServiceProvider Services(string provider, string connectionString, ILoggerProvider? log = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hub:Database:Provider"] = provider == "sqlite" ? "Sqlite" : "PostgreSql",
            ["Hub:Database:ConnectionString"] = connectionString,
        }).Build();
        return new ServiceCollection()
            .AddLogging(logging =>
            {
                if (log is not null)
                {
                    logging.AddProvider(log).SetMinimumLevel(LogLevel.Debug);
                }
            })
            .AddHubPersistence(configuration)
            .BuildServiceProvider();
    }

    /// <summary>Every line logged at Error or above, by any category (EF Core's commands included), with its category.</summary>
    private sealed class ErrorLog : ILoggerProvider
    {
        private readonly List<string> _errors = [];

        public IReadOnlyList<string> Errors
        {
            get
            {
                lock (_errors)
                {
                    return [.. _errors];
                }
            }
        }

        public ILogger CreateLogger(string categoryName) => new CategoryLog(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class CategoryLog(ErrorLog log, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (logLevel >= LogLevel.Error)
                {
                    lock (log._errors)
                    {
                        log._errors.Add($"{logLevel} {category}: {formatter(state, exception)}");
                    }
                }
            }
        }
    }
}
