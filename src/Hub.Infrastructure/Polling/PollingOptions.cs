using System.ComponentModel;

namespace Hub.Infrastructure.Polling;

/// <summary><c>Hub:Polling</c>: how long a hub process holds a polling source before another may take it over.</summary>
public sealed class PollingOptions
{
    public const string Section = "Hub:Polling";

    [Description("How long one hub process holds a polling source (an X account in `Mode=polling`) before another may take it over; the holder renews it every half lease.")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);
}
