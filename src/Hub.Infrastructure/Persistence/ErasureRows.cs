using Microsoft.EntityFrameworkCore;

namespace Hub.Infrastructure.Persistence;

/// <summary>One erasure of a customer: the audit of who asked and when; no personal data.</summary>
public sealed class ErasureRequestRow
{
    public Guid Id { get; set; }

    public Guid CustomerId { get; set; }

    /// <summary>The API key's name that asked.</summary>
    public required string RequestedBy { get; set; }

    public DateTimeOffset RequestedAt { get; set; }

    /// <summary>How many identifiers were erased (and tombstoned).</summary>
    public int ErasedIdentifiers { get; set; }

    /// <summary>
    /// For the erasure of a customer that had been merged into the erased one: the survivor's erasure request, which
    /// made this one in the same transaction; null for an erasure asked for directly.
    /// </summary>
    public Guid? SurvivorRequestId { get; set; }

    /// <summary>When every connected system reported done; null while any is not.</summary>
    public DateTimeOffset? CompletedAt { get; set; }

    public List<ErasureTargetRow> Targets { get; } = [];
}

/// <summary>How one connected system is doing with one erasure.</summary>
public sealed class ErasureTargetRow
{
    public Guid RequestId { get; set; }

    public required string ConnectorInstanceId { get; set; }

    /// <summary><see cref="ErasureStatus"/>.</summary>
    public required string Status { get; set; }

    /// <summary>The customer's record id there, from the sync checkpoint, when known.</summary>
    public string? ExternalRecordId { get; set; }

    /// <summary>The customer's record-id identifiers (<c>salesforce:contact</c>...) as JSON.</summary>
    public required string ExternalIdentifiers { get; set; }

    public int Attempts { get; set; }

    /// <summary>The last failure's reason, or the refusal's.</summary>
    public string? LastError { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>What the system answered when it was done.</summary>
    public string? Detail { get; set; }
}

/// <summary>
/// The hash of one erased identifier: a re-sent event from before the erasure that carries it is dropped, so it
/// cannot re-create the person. Only the hash is kept, never the identifier.
/// </summary>
public sealed class ErasureTombstoneRow
{
    /// <summary>Hex SHA-256 of <c>type:value</c> (see <see cref="Erasure.TombstoneHash"/>).</summary>
    public required string Hash { get; set; }

    public Guid RequestId { get; set; }

    public DateTimeOffset ErasedAt { get; set; }
}

/// <summary>The states of an <see cref="ErasureTargetRow"/>, as the API shows them.</summary>
public static class ErasureStatus
{
    /// <summary>Not tried yet.</summary>
    public const string Pending = "pending";

    /// <summary>Tried and failed for a passing reason (the system was down); tried again at <c>NextAttemptAt</c>.</summary>
    public const string Retrying = "retrying";

    /// <summary>The system has forgotten the customer (or never held them).</summary>
    public const string Done = "done";

    /// <summary>The system refused for good; <c>LastError</c> says why.</summary>
    public const string Failed = "failed";
}

internal static class ErasureModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ErasureRequestRow>(e =>
        {
            e.ToTable("erasure_requests");
            e.HasKey(r => r.Id);
            e.Property(r => r.RequestedBy).HasMaxLength(100);
            e.HasIndex(r => r.CustomerId);
            e.HasIndex(r => r.SurvivorRequestId);
            e.HasMany(r => r.Targets).WithOne().HasForeignKey(t => t.RequestId);
        });
        modelBuilder.Entity<ErasureTargetRow>(e =>
        {
            e.ToTable("erasure_targets");
            e.HasKey(t => new { t.RequestId, t.ConnectorInstanceId });
            e.Property(t => t.ConnectorInstanceId).HasMaxLength(100);
            e.Property(t => t.Status).HasMaxLength(10);
            e.HasIndex(t => new { t.Status, t.NextAttemptAt });
        });
        modelBuilder.Entity<ErasureTombstoneRow>(e =>
        {
            e.ToTable("erasure_tombstones");
            e.HasKey(t => t.Hash);
            e.Property(t => t.Hash).HasMaxLength(64);
        });
    }
}
