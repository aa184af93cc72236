namespace Hub.Contracts.Touchpoints;

/// <summary>The channels a touchpoint can arrive on.</summary>
public static class TouchpointChannels
{
    /// <summary>A voice call.</summary>
    public const string Phone = "phone";

    /// <summary>A text message.</summary>
    public const string Sms = "sms";

    /// <summary>An e-mail.</summary>
    public const string Email = "email";

    /// <summary>A social network (Twitter/X).</summary>
    public const string Social = "social";

    /// <summary>A CRM record change.</summary>
    public const string Crm = "crm";

    /// <summary>A web or app event.</summary>
    public const string Web = "web";

    /// <summary>Every known channel.</summary>
    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal) { Phone, Sms, Email, Social, Crm, Web };
}
