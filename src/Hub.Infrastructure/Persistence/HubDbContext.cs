using Microsoft.EntityFrameworkCore;

namespace Hub.Infrastructure.Persistence;

/// <summary>The hub's store. Provider-specific subclasses carry their own migrations.</summary>
public abstract class HubDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<CustomerRow> Customers => Set<CustomerRow>();

    public DbSet<CustomerIdentifierRow> CustomerIdentifiers => Set<CustomerIdentifierRow>();

    public DbSet<CustomerFieldRow> CustomerFields => Set<CustomerFieldRow>();

    public DbSet<TimelineEntryRow> Timeline => Set<TimelineEntryRow>();

    public DbSet<OutboxMessageRow> Outbox => Set<OutboxMessageRow>();

    public DbSet<IngressBufferRow> IngressBuffer => Set<IngressBufferRow>();

    public DbSet<ApiKeyRow> ApiKeys => Set<ApiKeyRow>();

    public DbSet<SyncCheckpointRow> SyncCheckpoints => Set<SyncCheckpointRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<CustomerRow>(e =>
        {
            e.ToTable("customers");
            e.HasKey(c => c.Id);
            e.Property(c => c.Version).IsConcurrencyToken();
            e.HasMany(c => c.Identifiers).WithOne().HasForeignKey(i => i.CustomerId);
            e.HasMany(c => c.Fields).WithOne().HasForeignKey(f => f.CustomerId);
        });
        modelBuilder.Entity<CustomerIdentifierRow>(e =>
        {
            e.ToTable("customer_identifiers");
            e.HasKey(i => new { i.Type, i.Value });
            e.Property(i => i.Type).HasMaxLength(100);
            e.Property(i => i.Value).HasMaxLength(320);
            e.HasIndex(i => i.CustomerId);
        });
        modelBuilder.Entity<CustomerFieldRow>(e =>
        {
            e.ToTable("customer_fields");
            e.HasKey(f => new { f.CustomerId, f.Name });
            e.Property(f => f.Name).HasMaxLength(200);
            e.Property(f => f.Source).HasMaxLength(100);
        });
        modelBuilder.Entity<TimelineEntryRow>(e =>
        {
            e.ToTable("timeline");
            e.HasKey(t => t.TouchpointId);
            e.Property(t => t.ConnectorInstanceId).HasMaxLength(100);
            e.Property(t => t.SourceEventId).HasMaxLength(300);
            e.Property(t => t.Channel).HasMaxLength(20);
            e.Property(t => t.Type).HasMaxLength(100);
            e.Property(t => t.Direction).HasMaxLength(10);
            e.HasIndex(t => new { t.CustomerId, t.OccurredAt, t.TouchpointId });
        });
        modelBuilder.Entity<OutboxMessageRow>(e =>
        {
            e.ToTable("outbox");
            e.HasKey(m => m.Id);
            e.Property(m => m.MessageType).HasMaxLength(100);
            e.HasIndex(m => new { m.SentAt, m.Id });
        });
        modelBuilder.Entity<IngressBufferRow>(e =>
        {
            e.ToTable("ingress_buffer");
            e.HasKey(b => b.TouchpointId);
            e.HasIndex(b => b.NextAttemptAt);
        });
        modelBuilder.Entity<ApiKeyRow>(e =>
        {
            e.ToTable("api_keys");
            e.HasKey(k => k.Name);
            e.Property(k => k.Name).HasMaxLength(100);
            e.Property(k => k.KeyHash).HasMaxLength(64);
        });
        modelBuilder.Entity<SyncCheckpointRow>(e =>
        {
            e.ToTable("sync_checkpoints");
            e.HasKey(s => new { s.ConnectorInstanceId, s.CustomerId });
            e.Property(s => s.ConnectorInstanceId).HasMaxLength(100);
        });
    }
}
