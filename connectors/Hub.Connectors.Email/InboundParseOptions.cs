using Hub.Contracts.Connectors;

namespace Hub.Connectors.Email;

/// <summary>
/// The options of the inbound-parse kinds. Mailgun signs its posts (<c>SigningKey</c>); SendGrid and Postmark
/// post to a URL with basic-auth credentials in it (<c>https://User:Password@hub.example.com/webhooks/&lt;id&gt;</c>).
/// </summary>
internal static class InboundParseOptions
{
    public const string SigningKey = "SigningKey";
    public const string Tolerance = "ToleranceSeconds";

    /// <summary>
    /// A day: Mailgun retries a failed post for about 8 hours, and whether a retry is signed anew is not documented,
    /// so a shorter window could refuse the retries of a delivery that failed while the hub was down.
    /// </summary>
    public const int DefaultToleranceSeconds = 86_400;
    public const string User = "User";
    public const string Password = "Password";

    public static IReadOnlyList<ConnectorOptionDescriptor> Mailgun { get; } =
    [
        new(SigningKey, "HTTP webhook signing key", ConnectorOptionType.Secret, Required: true,
            "The domain's webhook signing key (Mailgun: Sending → Webhooks → HTTP webhook signing key); every route post is signed with it."),
        new(Tolerance, "Timestamp tolerance (s)", ConnectorOptionType.Integer, Required: false,
            "How far a post's signed timestamp may be from the hub's clock. Each token is accepted with one body only for that long; keep it above Mailgun's 8-hour retry span.",
            DefaultToleranceSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    ];

    public static IReadOnlyList<string> MailgunProblems(ConnectorSettings settings) =>
        settings.Get(Tolerance) is { } tolerance && (!int.TryParse(tolerance, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) || seconds is < 60 or > 604_800)
            ? [$"'{Tolerance}' must be a whole number of seconds between 60 and 604800 (a week)."]
            : [];

    public static IReadOnlyList<ConnectorOptionDescriptor> BasicAuth(string provider) =>
    [
        new(User, "User", ConnectorOptionType.Text, Required: true,
            $"The user name written into the {provider} webhook URL (https://User:Password@your-hub/webhooks/<instance>).")
        {
            InWebhookUrl = WebhookUrlPart.BasicUser,
        },
        new(Password, "Password", ConnectorOptionType.Secret, Required: true,
            $"The password written into the {provider} webhook URL; use a long random one.")
        {
            InWebhookUrl = WebhookUrlPart.BasicPassword,
        },
    ];

    public static IReadOnlyList<string> BasicAuthProblems(ConnectorSettings settings) =>
        settings.Get(User) is { } user && user.Contains(':', StringComparison.Ordinal)
            ? [$"'{User}' must not contain ':' (basic auth separates user and password with it)."]
            : [];
}
