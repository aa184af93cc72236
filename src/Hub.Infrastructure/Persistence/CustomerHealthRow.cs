using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hub.Infrastructure.Persistence;

/// <summary>
/// A customer's relationship health, kept in the resolution transaction: the state it is computed from, and the
/// figures the overview filters and sorts by as plain indexed columns.
/// </summary>
public sealed class CustomerHealthRow
{
    public Guid CustomerId { get; set; }

    /// <summary><see cref="Hub.Core.RelationshipHealth.HealthState"/> in its stored form.</summary>
    public required byte[] State { get; set; }

    public DateTimeOffset? LastContactAt { get; set; }

    public DateTimeOffset? AwaitingReplySince { get; set; }

    public int UnansweredMessages { get; set; }

    public int OpenCases { get; set; }

    public DateTimeOffset? LastUnresolvedComplaintAt { get; set; }

    /// <summary>The earlier of <see cref="AwaitingReplySince"/> and the oldest open case: the overview's sort key.</summary>
    public DateTimeOffset? WaitingSince { get; set; }

    public int Responses { get; set; }

    public long? MedianResponseSeconds { get; set; }

    public long? LastResponseSeconds { get; set; }

    public int ContactsStartedByCustomer { get; set; }

    public int ContactsStartedByCompany { get; set; }
}

internal sealed class CustomerHealthRowConfiguration : IEntityTypeConfiguration<CustomerHealthRow>
{
    public void Configure(EntityTypeBuilder<CustomerHealthRow> builder)
    {
        builder.ToTable("customer_health");
        builder.HasKey(h => h.CustomerId);
        builder.HasIndex(h => new { h.WaitingSince, h.CustomerId });
        builder.HasIndex(h => h.AwaitingReplySince);
        builder.HasIndex(h => h.LastUnresolvedComplaintAt);
        builder.HasIndex(h => h.MedianResponseSeconds);
    }
}
