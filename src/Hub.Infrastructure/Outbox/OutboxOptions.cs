using System.ComponentModel;

namespace Hub.Infrastructure.Outbox;

/// <summary><c>Hub:Outbox</c>.</summary>
public sealed class OutboxOptions
{
    public const string Section = "Hub:Outbox";

    /// <summary>How often the relay searches for rows no relay holds; the rows its own process's resolution wrote are handed to it at once.</summary>
    [Description("How often the outbox relay searches the table for rows no relay holds: written outside resolution (a split), released after a failed publish, or left by a hub process that died. Rows its own process's resolution wrote are handed to it at once.")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a claim lasts before another relay may take the row over.</summary>
    [Description("How long a relay's claim on outbox rows lasts before another hub process may take them over (after a crash).")]
    public TimeSpan ClaimDuration { get; set; } = TimeSpan.FromSeconds(60);

    [Description("Outbox rows published per relay round.")]
    public int BatchSize { get; set; } = 200;

    /// <summary>How long sent rows are kept (for diagnosis) before cleanup deletes them.</summary>
    [Description("How long sent outbox rows are kept for diagnosis before they are deleted.")]
    public TimeSpan SentRetention { get; set; } = TimeSpan.FromHours(1);
}
