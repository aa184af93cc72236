using System.ComponentModel;

namespace Hub.Infrastructure.Consent;

/// <summary><c>Hub:Consent</c>: the enforcement rule's one setting.</summary>
public sealed class ConsentOptions
{
    public const string Section = "Hub:Consent";

    /// <summary>
    /// A service message counts as a reply to the customer when they sent an inbound message on the same channel
    /// within this time; a reply is blocked only by a denial of the whole channel.
    /// </summary>
    [Description("A `service` message counts as a reply (blocked only by a denial of the whole channel) when the customer sent an inbound message on that channel within this time.")]
    public TimeSpan ReplyWindow { get; set; } = TimeSpan.FromDays(1);
}
