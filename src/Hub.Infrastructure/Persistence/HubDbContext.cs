using Hub.Contracts.Touchpoints;
using Hub.Core.Identity;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Hub.Infrastructure.Persistence;

/// <summary>The hub's store. Provider-specific subclasses carry their own migrations.</summary>
public abstract class HubDbContext(DbContextOptions options) : DbContext(options), IDataProtectionKeyContext
{
    /// <summary>Longer profile values are cut to this length.</summary>
    public const int FieldValueMaxLength = 1000;

    public DbSet<CustomerRow> Customers => Set<CustomerRow>();

    public DbSet<CustomerIdentifierRow> CustomerIdentifiers => Set<CustomerIdentifierRow>();

    public DbSet<CustomerFieldRow> CustomerFields => Set<CustomerFieldRow>();

    public DbSet<TimelineEntryRow> Timeline => Set<TimelineEntryRow>();

    public DbSet<OutboxMessageRow> Outbox => Set<OutboxMessageRow>();

    public DbSet<IngressBufferRow> IngressBuffer => Set<IngressBufferRow>();

    public DbSet<ApiKeyRow> ApiKeys => Set<ApiKeyRow>();

    public DbSet<SyncCheckpointRow> SyncCheckpoints => Set<SyncCheckpointRow>();

    public DbSet<IdentityLinkRow> IdentityLinks => Set<IdentityLinkRow>();

    public DbSet<IdentityConflictRow> IdentityConflicts => Set<IdentityConflictRow>();

    public DbSet<CustomerMergeRow> CustomerMerges => Set<CustomerMergeRow>();

    public DbSet<SeparationMemberRow> SeparationMembers => Set<SeparationMemberRow>();

    public DbSet<DuplicateDismissalRow> DuplicateDismissals => Set<DuplicateDismissalRow>();

    public DbSet<SourceCheckpointRow> SourceCheckpoints => Set<SourceCheckpointRow>();

    public DbSet<WebhookTokenRow> WebhookTokens => Set<WebhookTokenRow>();

    public DbSet<FailedMessageRow> FailedMessages => Set<FailedMessageRow>();

    public DbSet<AdminUserRow> AdminUsers => Set<AdminUserRow>();

    public DbSet<AdminSetupTokenRow> AdminSetupTokens => Set<AdminSetupTokenRow>();

    public DbSet<StoredConnectorInstanceRow> StoredConnectorInstances => Set<StoredConnectorInstanceRow>();

    public DbSet<AuditEntryRow> AuditEntries => Set<AuditEntryRow>();

    /// <summary>ASP.NET Core Data Protection's key ring, shared by every hub process (cookies, connector secrets).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<ErasureRequestRow> ErasureRequests => Set<ErasureRequestRow>();

    public DbSet<ErasureTargetRow> ErasureTargets => Set<ErasureTargetRow>();

    public DbSet<ErasureTombstoneRow> ErasureTombstones => Set<ErasureTombstoneRow>();

    public DbSet<CustomerHealthRow> CustomerHealth => Set<CustomerHealthRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfiguration(new CustomerHealthRowConfiguration());
        modelBuilder.Entity<CustomerRow>(e =>
        {
            e.ToTable("customers");
            e.HasKey(c => c.Id);
            e.Property(c => c.Stamp).IsConcurrencyToken();
            e.HasIndex(c => c.MergedIntoId);
            e.HasMany(c => c.Identifiers).WithOne().HasForeignKey(i => i.CustomerId);
            e.HasMany(c => c.Fields).WithOne().HasForeignKey(f => f.CustomerId);
            e.Ignore(c => c.Observations);
            e.Property(c => c.ObservationsJson).HasColumnName("Observations").HasDefaultValue("[]");
        });
        modelBuilder.Entity<IdentityLinkRow>(e =>
        {
            e.ToTable("identity_links");
            e.HasKey(l => new { l.TouchpointId, l.Type, l.Value });
            e.Property(l => l.Type).HasMaxLength(TouchpointLimits.IdentifierTypeLength);
            e.Property(l => l.Value).HasMaxLength(TouchpointLimits.IdentifierValueLength);
            e.HasIndex(l => new { l.Value, l.Type });
        });
        modelBuilder.Entity<IdentityConflictRow>(e =>
        {
            e.ToTable("identity_conflicts");
            e.HasKey(c => c.Id);
            e.HasIndex(c => c.CustomerId);
            e.HasIndex(c => c.OtherCustomerId);
            e.HasIndex(c => c.IdentifierValue);
        });
        modelBuilder.Entity<CustomerMergeRow>(e =>
        {
            e.ToTable("customer_merges");
            e.HasKey(m => m.Id);
            e.Property(m => m.Kind).HasMaxLength(10);
            e.HasIndex(m => m.SurvivorId);
            e.HasIndex(m => m.MergedId);
        });
        modelBuilder.Entity<SeparationMemberRow>(e =>
        {
            e.ToTable("identity_separations");
            e.HasKey(s => new { s.SeparationId, s.Side, s.Type, s.Value });
            e.Property(s => s.Side).HasMaxLength(1);
            e.Property(s => s.Type).HasMaxLength(TouchpointLimits.IdentifierTypeLength);
            e.Property(s => s.Value).HasMaxLength(TouchpointLimits.IdentifierValueLength);
            e.HasIndex(s => new { s.Value, s.Type });
        });
        modelBuilder.Entity<DuplicateDismissalRow>(e =>
        {
            e.ToTable("duplicate_dismissals");
            e.HasKey(d => d.Id);
            e.Property(d => d.Reason).HasMaxLength(DuplicateDismissalRow.ReasonMaxLength);
            e.Property(d => d.DismissedBy).HasMaxLength(320);
            e.HasIndex(d => new { d.CustomerId, d.OtherCustomerId }).IsUnique();
            e.HasIndex(d => d.OtherCustomerId);
            // Whatever deletes a customer deletes its dismissals, and a dismissal cannot name a customer erased meanwhile.
            e.HasOne<CustomerRow>().WithMany().HasForeignKey(d => d.CustomerId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<CustomerRow>().WithMany().HasForeignKey(d => d.OtherCustomerId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<CustomerIdentifierRow>(e =>
        {
            e.ToTable("customer_identifiers");
            e.HasKey(i => new { i.Type, i.Value });
            e.Property(i => i.Type).HasMaxLength(TouchpointLimits.IdentifierTypeLength);
            e.Property(i => i.Value).HasMaxLength(TouchpointLimits.IdentifierValueLength);
            e.HasIndex(i => i.CustomerId);
            // Lookups filter on the value first (the type is checked in memory), so the value needs its own index.
            e.HasIndex(i => i.Value);
            e.Property(i => i.DuplicateKey).HasMaxLength(DuplicateKeys.MaxLength);
            // Only phone numbers have a key: the index holds nothing for the other identifiers.
            e.HasIndex(i => i.DuplicateKey).HasFilter("\"DuplicateKey\" IS NOT NULL");
        });
        modelBuilder.Entity<CustomerFieldRow>(e =>
        {
            e.ToTable("customer_fields");
            e.HasKey(f => new { f.CustomerId, f.Name });
            e.Property(f => f.Name).HasMaxLength(TouchpointLimits.ProfileFactNameLength);
            e.Property(f => f.Source).HasMaxLength(TouchpointLimits.ConnectorInstanceIdLength);
            e.Property(f => f.SearchKey);
            e.Property(f => f.DuplicateKey).HasMaxLength(DuplicateKeys.MaxLength);
            // Only names and companies have a key: the index holds nothing for the other fields.
            e.HasIndex(f => new { f.Name, f.DuplicateKey }).HasFilter("\"DuplicateKey\" IS NOT NULL");
        });
        modelBuilder.Entity<TimelineEntryRow>(e =>
        {
            e.ToTable("timeline");
            e.HasKey(t => t.TouchpointId);
            e.Property(t => t.ConnectorInstanceId).HasMaxLength(TouchpointLimits.ConnectorInstanceIdLength);
            e.Property(t => t.SourceEventId).HasMaxLength(TouchpointLimits.SourceEventIdLength);
            e.Property(t => t.Channel).HasMaxLength(TouchpointLimits.ChannelLength);
            e.Property(t => t.Type).HasMaxLength(TouchpointLimits.TypeLength);
            e.Property(t => t.Direction).HasMaxLength(10);
            e.HasIndex(t => new { t.CustomerId, t.OccurredAt, t.TouchpointId });
            e.HasIndex(t => t.WithdrawsTouchpointId);
        });
        modelBuilder.Entity<OutboxMessageRow>(e =>
        {
            e.ToTable("outbox");
            e.HasKey(m => m.Id);
            e.Property(m => m.MessageType).HasMaxLength(100);
            e.Property(m => m.TraceParent).HasMaxLength(64);
            e.HasIndex(m => new { m.SentAt, m.Id });
        });
        modelBuilder.ApplyConfiguration(new IngressBufferRowConfiguration());
        modelBuilder.Entity<ApiKeyRow>(e =>
        {
            e.ToTable("api_keys");
            e.HasKey(k => k.Name);
            e.Property(k => k.Name).HasMaxLength(100);
            e.Property(k => k.KeyHash).HasMaxLength(64);
            e.Property(k => k.Scopes).HasMaxLength(500);
            e.Property(k => k.CreatedBy).HasMaxLength(256);
        });
        modelBuilder.Entity<SyncCheckpointRow>(e =>
        {
            e.ToTable("sync_checkpoints");
            e.HasKey(s => new { s.ConnectorInstanceId, s.CustomerId });
            e.Property(s => s.ConnectorInstanceId).HasMaxLength(TouchpointLimits.ConnectorInstanceIdLength);
        });
        modelBuilder.Entity<SourceCheckpointRow>(e =>
        {
            e.ToTable("source_checkpoints");
            e.HasKey(s => s.ConnectorInstanceId);
            e.Property(s => s.ConnectorInstanceId).HasMaxLength(TouchpointLimits.ConnectorInstanceIdLength);
            e.Property(s => s.Owner).HasMaxLength(200);
        });
        modelBuilder.Entity<WebhookTokenRow>(e =>
        {
            e.ToTable("webhook_tokens");
            e.HasKey(t => new { t.ConnectorInstanceId, t.TokenHash });
            e.Property(t => t.ConnectorInstanceId).HasMaxLength(TouchpointLimits.ConnectorInstanceIdLength);
            e.Property(t => t.TokenHash).HasMaxLength(64);
            e.Property(t => t.BodyHash).HasMaxLength(64);
            e.HasIndex(t => t.KeepUntil);
        });
        modelBuilder.Entity<FailedMessageRow>(e =>
        {
            e.ToTable("failed_messages");
            e.HasKey(f => f.Id);
            e.Property(f => f.Fingerprint).HasMaxLength(64);
            e.Property(f => f.Queue).HasMaxLength(200);
            e.Property(f => f.MessageType).HasMaxLength(100);
            e.Property(f => f.ExceptionType).HasMaxLength(300);
            e.Property(f => f.Status).HasMaxLength(10);
            e.HasIndex(f => f.Fingerprint).IsUnique();
            e.HasIndex(f => new { f.Status, f.Id });
        });
        AdminModel.Configure(modelBuilder);
        ErasureModel.Configure(modelBuilder);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        StoreObservations();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        StoreObservations();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>Puts each tracked customer's observations back into its JSON column, so the save's change detection sees them.</summary>
    internal void StoreObservations()
    {
        // Entries() would detect changes over every tracked entity once more; the save does that right after.
        var detect = ChangeTracker.AutoDetectChangesEnabled;
        ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            foreach (var customer in ChangeTracker.Entries<CustomerRow>())
            {
                customer.Entity.StoreObservations();
            }
        }
        finally
        {
            ChangeTracker.AutoDetectChangesEnabled = detect;
        }
    }
}
