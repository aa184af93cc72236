namespace Hub.Infrastructure.Outbox;

/// <summary><c>Hub:Outbox</c>.</summary>
public sealed class OutboxOptions
{
    public const string Section = "Hub:Outbox";

    /// <summary>How often the relay looks for rows written by other processes.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a claim lasts before another relay may take the row over.</summary>
    public TimeSpan ClaimDuration { get; set; } = TimeSpan.FromSeconds(60);

    public int BatchSize { get; set; } = 200;

    /// <summary>How long sent rows are kept (for diagnosis) before cleanup deletes them.</summary>
    public TimeSpan SentRetention { get; set; } = TimeSpan.FromHours(1);
}
