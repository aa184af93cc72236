using Hub.Connectors.Pbx.Signing;
using Hub.Contracts.Connectors;

namespace Hub.Connectors.Pbx;

/// <summary>The typed options of one PBX instance.</summary>
internal sealed record PbxOptions(IReadOnlyList<byte[]> SigningKeys, int ToleranceSeconds)
{
    public const string Secret = "Secret";
    public const string Tolerance = "ToleranceSeconds";
    public const string DefaultRegion = "DefaultRegion";

    public static IReadOnlyList<ConnectorOptionDescriptor> Descriptors { get; } =
    [
        new(Secret, "Signing secret(s)", ConnectorOptionType.Secret, Required: true,
            "The whsec_ secret the forwarder signs call records with (Standard Webhooks; base64 of at least 24 random bytes). Several, separated by spaces, while rotating."),
        new(Tolerance, "Timestamp tolerance (s)", ConnectorOptionType.Integer, Required: false,
            "How far webhook-timestamp may be from the hub's clock.", "300"),
        new(DefaultRegion, "Default phone region", ConnectorOptionType.PhoneRegion, Required: false,
            "ISO 3166 region for national numbers in the records (PBXs often drop the +1); default Hub:Identity:DefaultRegion."),
    ];

    public static IReadOnlyList<string> Problems(ConnectorSettings settings)
    {
        var problems = new List<string>();
        var secrets = (settings.Get(Secret) ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (secrets.Length == 0 || secrets.Any(s => !WebhookSignature.TryDecodeSecret(s, out _)))
        {
            problems.Add($"'{Secret}' must be one or more base64 secrets (whsec_ prefix optional) of at least {WebhookSignature.MinimumKeyBytes} random bytes each, separated by spaces; 'openssl rand -base64 32' makes one.");
        }
        if (settings.Get(Tolerance) is not null && settings.GetInt32(Tolerance, 300) is < 1 or > 86_400)
        {
            problems.Add($"'{Tolerance}' must be between 1 and 86400 seconds.");
        }
        return problems;
    }

    public static PbxOptions From(ConnectorSettings settings) => new(
        [.. settings.GetRequired(Secret).Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => WebhookSignature.TryDecodeSecret(s, out var key) ? key : throw new InvalidOperationException($"'{Secret}' is not a valid whsec_ secret."))],
        settings.GetInt32(Tolerance, 300));
}
