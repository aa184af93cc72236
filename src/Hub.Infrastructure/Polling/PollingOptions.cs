namespace Hub.Infrastructure.Polling;

/// <summary><c>Hub:Polling</c>: how long a hub process holds a polling source before another may take it over.</summary>
public sealed class PollingOptions
{
    public const string Section = "Hub:Polling";

    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);
}
