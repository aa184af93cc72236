using Hub.Contracts.Connectors;

namespace Hub.Server.RemoteConnectors;

/// <summary>The typed options of one <c>remote</c> connector instance: where its replicas run and how the hub and it trust each other.</summary>
internal sealed record RemoteOptions(
    IReadOnlyList<Uri> Addresses,
    string Token,
    string SigningSecret,
    string HealthPath,
    int HealthIntervalSeconds,
    string SyncPath)
{
    public const string AddressesName = "Addresses";
    public const string TokenName = "Token";
    public const string SigningSecretName = "SigningSecret";
    public const string HealthPathName = "HealthPath";
    public const string HealthIntervalName = "HealthIntervalSeconds";
    public const string SyncPathName = "SyncPath";
    public const string DefaultRegionName = "DefaultRegion";

    /// <summary>Shorter tokens are too easy to guess; 32 characters of a random base64 string are 192 bits.</summary>
    public const int MinimumTokenLength = 32;

    public static IReadOnlyList<ConnectorOptionDescriptor> Descriptors { get; } =
    [
        new(AddressesName, "Addresses", ConnectorOptionType.Text, Required: true,
            "Internal base URL of each replica of the connector process (http or https), separated by spaces or commas.")
        {
            IsDestination = true,
        },
        new(TokenName, "Connector API token", ConnectorOptionType.Secret, Required: true,
            $"The bearer token the connector sends to POST /connector-api/v1/touchpoints; at least {MinimumTokenLength} characters, unique per instance.")
        {
            UniqueAmongInstances = true,
        },
        new(SigningSecretName, "Sync signing secret", ConnectorOptionType.Secret, Required: true,
            "The whsec_ secret customer changes sent to the connector are signed with (Standard Webhooks)."),
        new(HealthPathName, "Health check path", ConnectorOptionType.Text, Required: false,
            "The path the gateway probes on every replica; a replica that fails twice in a row gets no traffic until it answers 2xx again.", "/health"),
        new(HealthIntervalName, "Health check interval (s)", ConnectorOptionType.Integer, Required: false,
            "How often each replica is probed.", "10"),
        new(SyncPathName, "Sync path", ConnectorOptionType.Text, Required: false,
            "The path on the replicas that receives customer changes.", "/hub/sync"),
        new(DefaultRegionName, "Default phone region", ConnectorOptionType.PhoneRegion, Required: false,
            "ISO 3166 region for national phone numbers in the connector's touchpoints; default Hub:Identity:DefaultRegion."),
    ];

    public static IReadOnlyList<string> Problems(ConnectorSettings settings)
    {
        var problems = new List<string>();
        if (ParseAddresses(settings.Get(AddressesName)) is not { Count: > 0 })
        {
            problems.Add($"'{AddressesName}' must be one or more absolute http(s) URLs without query or fragment, separated by spaces or commas.");
        }
        if ((settings.Get(TokenName) ?? "").Length < MinimumTokenLength)
        {
            problems.Add($"'{TokenName}' must be at least {MinimumTokenLength} characters long.");
        }
        if (!IsStandardWebhooksSecret(settings.Get(SigningSecretName)))
        {
            problems.Add($"'{SigningSecretName}' must be a base64 secret with the whsec_ prefix.");
        }
        foreach (var name in new[] { HealthPathName, SyncPathName })
        {
            if (settings.Get(name) is { } path && (!path.StartsWith('/') || !Uri.IsWellFormedUriString(path, UriKind.Relative)))
            {
                problems.Add($"'{name}' must be a path starting with '/'.");
            }
        }
        if (settings.Get(HealthIntervalName) is { } interval && (!int.TryParse(interval, out var seconds) || seconds is < 1 or > 3_600))
        {
            problems.Add($"'{HealthIntervalName}' must be between 1 and 3600 seconds.");
        }
        return problems;
    }

    /// <summary>
    /// The URL of <paramref name="path"/> on a replica, below the replica's own base path (<c>http://10.0.4.11:8080/helpdesk/</c>
    /// and <c>/hub/sync</c> make <c>/helpdesk/hub/sync</c>), as the gateway forwards webhooks and probes health.
    /// </summary>
    public static Uri OnReplica(Uri address, string path) => new(address.GetLeftPart(UriPartial.Path).TrimEnd('/') + path);

    public static RemoteOptions From(ConnectorSettings settings) => new(
        ParseAddresses(settings.GetRequired(AddressesName)) ?? throw new InvalidOperationException($"'{AddressesName}' is not valid."),
        settings.GetRequired(TokenName),
        settings.GetRequired(SigningSecretName),
        settings.Get(HealthPathName, "/health"),
        settings.GetInt32(HealthIntervalName, 10),
        settings.Get(SyncPathName, "/hub/sync"));

    private static List<Uri>? ParseAddresses(string? text)
    {
        var addresses = new List<Uri>();
        foreach (var entry in (text ?? "").Split([' ', ','], StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Uri.TryCreate(entry, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Query.Length > 0 || uri.Fragment.Length > 0)
            {
                return null;
            }
            addresses.Add(uri);
        }
        return addresses;
    }

    private static bool IsStandardWebhooksSecret(string? secret)
    {
        if (secret is null || !secret.StartsWith("whsec_", StringComparison.Ordinal))
        {
            return false;
        }
        var text = secret["whsec_".Length..];
        var buffer = new byte[text.Length];
        return text.Length > 0 && Convert.TryFromBase64String(text, buffer, out var written) && written > 0;
    }
}
