using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Hub.Infrastructure.Persistence;

/// <summary>
/// The ingress buffer of the in-memory bus (<see cref="IngressBufferRow"/>). On SQLite it is a file of its own next to
/// the main one (<c>data/hub-ingress.db</c> beside <c>data/hub.db</c>): SQLite lets one writer at a time into a file,
/// and the webhooks' group commit must not wait behind the resolution transactions. On PostgreSQL, which has no such
/// limit, it is the main database's <c>ingress_buffer</c> table.
/// </summary>
public abstract class IngressBufferDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<IngressBufferRow> IngressBuffer => Set<IngressBufferRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfiguration(new IngressBufferRowConfiguration());
    }
}

/// <summary>The buffer's own SQLite file, with its own migrations.</summary>
public sealed class SqliteIngressBufferDbContext(DbContextOptions<SqliteIngressBufferDbContext> options) : IngressBufferDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
    }
}

/// <summary>The main PostgreSQL database's <c>ingress_buffer</c> table, which the main migrations create.</summary>
public sealed class PostgresIngressBufferDbContext(DbContextOptions<PostgresIngressBufferDbContext> options) : IngressBufferDbContext(options);

/// <summary>Lets <c>dotnet ef migrations add ... --context SqliteIngressBufferDbContext</c> build the context.</summary>
public sealed class SqliteIngressBufferDbContextFactory : IDesignTimeDbContextFactory<SqliteIngressBufferDbContext>
{
    public SqliteIngressBufferDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteIngressBufferDbContext>().UseSqlite("Data Source=design-time-ingress.db").Options);
}
