using Hub.Contracts.Connectors;

namespace Hub.Connectors.Email;

/// <summary>
/// The options of the inbound-parse kinds. Mailgun signs its posts (<c>SigningKey</c>); SendGrid and Postmark
/// post to a URL with basic-auth credentials in it (<c>https://User:Password@hub.example.com/webhooks/&lt;id&gt;</c>).
/// </summary>
internal static class InboundParseOptions
{
    public const string SigningKey = "SigningKey";
    public const string User = "User";
    public const string Password = "Password";

    public static IReadOnlyList<ConnectorOptionDescriptor> Mailgun { get; } =
    [
        new(SigningKey, "HTTP webhook signing key", ConnectorOptionType.Secret, Required: true,
            "The domain's webhook signing key (Mailgun: Sending → Webhooks → HTTP webhook signing key); every route post is signed with it."),
    ];

    public static IReadOnlyList<ConnectorOptionDescriptor> BasicAuth(string provider) =>
    [
        new(User, "User", ConnectorOptionType.Text, Required: true,
            $"The user name written into the {provider} webhook URL (https://User:Password@your-hub/webhooks/<instance>)."),
        new(Password, "Password", ConnectorOptionType.Secret, Required: true,
            $"The password written into the {provider} webhook URL; use a long random one."),
    ];

    public static IReadOnlyList<string> BasicAuthProblems(ConnectorSettings settings) =>
        settings.Get(User) is { } user && user.Contains(':', StringComparison.Ordinal)
            ? [$"'{User}' must not contain ':' (basic auth separates user and password with it)."]
            : [];
}
