using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Hub.Infrastructure.Persistence;

/// <summary>The admin UI's tables: accounts, connector instances added at run time, the audit log, Data Protection keys.</summary>
internal static class AdminModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AdminUserRow>(e =>
        {
            e.ToTable("admin_users");
            e.HasKey(u => u.Email);
            e.Property(u => u.Email).HasMaxLength(320);
            e.Property(u => u.Role).HasMaxLength(20);
            e.Property(u => u.SecurityStamp).HasMaxLength(64).HasDefaultValue("");
        });
        modelBuilder.Entity<StoredConnectorInstanceRow>(e =>
        {
            e.ToTable("connector_instances");
            e.HasKey(c => c.Id);
            e.Property(c => c.Id).HasMaxLength(100);
            e.Property(c => c.Kind).HasMaxLength(100);
            e.Property(c => c.UpdatedBy).HasMaxLength(320);
        });
        modelBuilder.Entity<AuditEntryRow>(e =>
        {
            e.ToTable("audit_entries");
            e.HasKey(a => a.Id);
            e.Property(a => a.Actor).HasMaxLength(320);
            e.Property(a => a.Action).HasMaxLength(100);
            e.Property(a => a.Subject).HasMaxLength(200);
            e.HasIndex(a => a.Subject);
        });
        modelBuilder.Entity<AdminSetupTokenRow>(e =>
        {
            e.ToTable("admin_setup_tokens");
            e.HasKey(t => t.TokenHash);
            e.Property(t => t.TokenHash).HasMaxLength(64);
        });
        modelBuilder.Entity<DataProtectionKey>(e => e.ToTable("data_protection_keys"));
    }
}
