using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hub.Infrastructure.Persistence;

/// <summary>
/// In-memory bus only: a touchpoint stored before the webhook is answered, because the in-memory bus
/// forgets on a crash (<see cref="IngressBufferDbContext"/>). The resolution commit deletes the row once it has
/// applied the touchpoint.
/// </summary>
public sealed class IngressBufferRow
{
    public Guid TouchpointId { get; set; }

    public required string Body { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }
}

/// <summary>The buffer's table, the same in the main database (PostgreSQL) and in the buffer's own SQLite file.</summary>
internal sealed class IngressBufferRowConfiguration : IEntityTypeConfiguration<IngressBufferRow>
{
    public void Configure(EntityTypeBuilder<IngressBufferRow> builder)
    {
        builder.ToTable("ingress_buffer");
        builder.HasKey(b => b.TouchpointId);
        builder.HasIndex(b => b.NextAttemptAt);
    }
}
