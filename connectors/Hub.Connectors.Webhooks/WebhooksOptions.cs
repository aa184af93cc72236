using Hub.Connectors.Webhooks.Signing;
using Hub.Contracts.Connectors;

namespace Hub.Connectors.Webhooks;

/// <summary>The typed options of one webhooks connector instance.</summary>
internal sealed record WebhooksOptions(
    IReadOnlyList<byte[]> SigningKeys,
    int ToleranceSeconds,
    Uri? TargetUrl,
    byte[]? TargetKey,
    string Channel)
{
    public const string Secret = "Secret";
    public const string Tolerance = "ToleranceSeconds";
    public const string Target = "TargetUrl";
    public const string TargetSecret = "TargetSecret";
    public const string DefaultChannel = "Channel";
    public const string DefaultRegion = "DefaultRegion";

    public static IReadOnlyList<ConnectorOptionDescriptor> Descriptors { get; } =
    [
        new(Secret, "Signing secret(s)", ConnectorOptionType.Secret, Required: true,
            "The whsec_ secret senders sign with (Standard Webhooks; base64 of at least 16 random bytes; 24 to 64 recommended). Several, separated by spaces, while rotating."),
        new(Tolerance, "Timestamp tolerance (s)", ConnectorOptionType.Integer, Required: false,
            "How far webhook-timestamp may be from the hub's clock.", "300"),
        new(Target, "Target URL", ConnectorOptionType.Url, Required: false,
            "Where customer changes are POSTed as signed Standard Webhooks messages. Empty: inbound only."),
        new(TargetSecret, "Target signing secret", ConnectorOptionType.Secret, Required: false,
            "The whsec_ secret outbound messages are signed with (at least 16 random bytes). Default: the first signing secret."),
        new(DefaultChannel, "Channel", ConnectorOptionType.Text, Required: false,
            "The channel of touchpoints from this instance (crm, web, email, phone, sms, social).", "crm"),
        new(DefaultRegion, "Default phone region", ConnectorOptionType.PhoneRegion, Required: false,
            "ISO 3166 region for national phone numbers from this source; default Hub:Identity:DefaultRegion."),
    ];

    public static IReadOnlyList<string> Problems(ConnectorSettings settings)
    {
        var problems = new List<string>();
        var secrets = (settings.Get(Secret) ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (secrets.Length == 0 || secrets.Any(s => !StandardWebhookSignature.TryDecodeSecret(s, out _)))
        {
            problems.Add($"'{Secret}' must be one or more base64 secrets (whsec_ prefix optional) of at least {StandardWebhookSignature.MinimumKeyBytes} random bytes each, separated by spaces; 'openssl rand -base64 32' makes one.");
        }
        if (settings.Get(TargetSecret) is { } target && !StandardWebhookSignature.TryDecodeSecret(target, out _))
        {
            problems.Add($"'{TargetSecret}' must be a base64 secret (whsec_ prefix optional) of at least {StandardWebhookSignature.MinimumKeyBytes} random bytes.");
        }
        if (settings.Get(Tolerance) is not null && settings.GetInt32(Tolerance, 300) is < 1 or > 86_400)
        {
            problems.Add($"'{Tolerance}' must be between 1 and 86400 seconds.");
        }
        if (!Contracts.Touchpoints.TouchpointChannels.All.Contains(settings.Get(DefaultChannel, "crm")))
        {
            problems.Add($"'{DefaultChannel}' must be one of {string.Join(", ", Contracts.Touchpoints.TouchpointChannels.All)}.");
        }
        return problems;
    }

    public static WebhooksOptions From(ConnectorSettings settings)
    {
        var keys = settings.GetRequired(Secret).Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => StandardWebhookSignature.TryDecodeSecret(s, out var key) ? key : throw new InvalidOperationException($"'{Secret}' is not a valid whsec_ secret."))
            .ToList();
        byte[]? targetKey = null;
        if (settings.Get(TargetSecret) is { } targetSecret && StandardWebhookSignature.TryDecodeSecret(targetSecret, out var decoded))
        {
            targetKey = decoded;
        }
        return new WebhooksOptions(keys, settings.GetInt32(Tolerance, 300), settings.GetUri(Target), targetKey ?? keys[0], settings.Get(DefaultChannel, "crm"));
    }
}
