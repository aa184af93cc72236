using System.Globalization;
using Hub.Connectors.Salesforce.Auth;
using Hub.Connectors.Salesforce.Records;
using Hub.Contracts.Connectors;
using Hub.Contracts.Touchpoints;

namespace Hub.Connectors.Salesforce;

/// <summary>The typed options of one Salesforce instance (one org).</summary>
internal sealed record SalesforceOptions(
    string OrganizationId,
    Uri InstanceUrl,
    Uri LoginUrl,
    SalesforceCredentials? Credentials,
    string ExternalIdField,
    string ApiVersion,
    FieldMapping Mapping,
    string? EndpointSecret,
    string? IntegrationUserId,
    IReadOnlySet<string> TaskChannels,
    string? TaskExternalIdField,
    string? SmsOptOutField = null,
    bool AnonymizeOnErasure = false)
{
    public const string OrgId = "OrganizationId";
    public const string Instance = "InstanceUrl";
    public const string Login = "LoginUrl";
    public const string ClientIdName = "ClientId";
    public const string ClientSecretName = "ClientSecret";
    public const string UsernameName = "Username";
    public const string PrivateKeyName = "PrivateKey";
    public const string ExternalId = "ExternalIdField";
    public const string Version = "ApiVersion";
    public const string FieldMappingKey = "FieldMapping";
    public const string Secret = "EndpointSecret";
    public const string IntegrationUser = "IntegrationUserId";
    public const string Tasks = "TaskChannels";
    public const string TaskExternalId = "TaskExternalIdField";
    public const string Region = "DefaultRegion";
    public const string SmsOptOut = "SmsOptOutField";
    public const string Erasure = "ErasureMode";
    public const string DeleteOnErasure = "delete";
    public const string AnonymizeErasure = "anonymize";

    public const string DefaultLoginUrl = "https://login.salesforce.com";
    public const string DefaultExternalIdField = "Hub_Customer_Id__c";
    public const string DefaultApiVersion = "66.0";
    public const string DefaultTaskChannels = "phone, sms, email, social";

    /// <summary>The oldest version with a 200 for upsert updates and sObject Collections upsert.</summary>
    private const decimal MinimumApiVersion = 46.0m;

    public static IReadOnlyList<ConnectorOptionDescriptor> Descriptors { get; } =
    [
        new(OrgId, "Organization ID", ConnectorOptionType.Text, Required: true,
            "The 15- or 18-character org id (00D...). Outbound Messages from any other org are refused."),
        new(Instance, "Instance URL", ConnectorOptionType.Url, Required: true,
            "The org's My Domain URL, e.g. https://example.my.salesforce.com."),
        new(Login, "Login URL", ConnectorOptionType.Url, Required: false,
            "JWT bearer flow: the audience and token host (https://test.salesforce.com for sandboxes).", DefaultLoginUrl),
        new(ClientIdName, "Consumer key", ConnectorOptionType.Text, Required: false,
            "The connected app's consumer key. Without it the instance only receives (no write-back)."),
        new(ClientSecretName, "Consumer secret", ConnectorOptionType.Secret, Required: false,
            "Client credentials flow: the connected app's consumer secret."),
        new(UsernameName, "Integration username", ConnectorOptionType.Text, Required: false,
            "JWT bearer flow: the username of the integration user."),
        new(PrivateKeyName, "Private key (PEM)", ConnectorOptionType.Secret, Required: false,
            "JWT bearer flow: the RSA private key whose certificate is uploaded to the connected app."),
        new(ExternalId, "External ID field", ConnectorOptionType.Text, Required: false,
            "The Contact field (External ID, unique) that holds the hub customer id.", DefaultExternalIdField),
        new(Version, "API version", ConnectorOptionType.Text, Required: false,
            "The REST API version, 46.0 or later.", DefaultApiVersion),
        new(FieldMappingKey, "Field mapping", ConnectorOptionType.Text, Required: false,
            "hubField=ContactField pairs, comma-separated; used both ways.", FieldMapping.Default),
        new(Secret, "Endpoint secret", ConnectorOptionType.Secret, Required: false,
            "A random token every request must carry: in the endpoint URL as /webhooks/<id>?secret=<token>, or as a Bearer token. Required for Change Data Capture relays.")
        {
            InWebhookUrl = WebhookUrlPart.SecretQueryParameter,
        },
        new(IntegrationUser, "Integration user ID", ConnectorOptionType.Text, Required: false,
            "The user the hub writes as (005...). Changes made by it are the hub's own echoes. Default: learned from the token."),
        new(Tasks, "Task channels", ConnectorOptionType.Text, Required: false,
            "Touchpoints on these channels become Tasks on the contact; 'none' turns this off.", DefaultTaskChannels),
        new(TaskExternalId, "Task external ID field", ConnectorOptionType.Text, Required: false,
            "An External ID field on Activity: Tasks are then upserted by touchpoint id, so a retried Task is never doubled."),
        new(Region, "Default phone region", ConnectorOptionType.PhoneRegion, Required: false,
            "ISO 3166 region for national phone numbers from this org; default Hub:Identity:DefaultRegion."),
        new(SmsOptOut, "SMS opt-out field", ConnectorOptionType.Text, Required: false,
            "A checkbox on Contact that means 'no texts' (e.g. SMS_Opt_Out__c): read as the customer's SMS consent and written from it."),
        new(Erasure, "On erasure", ConnectorOptionType.Text, Required: false,
            "What an erased customer's Contact becomes: 'delete' (deleted) or 'anonymize' (kept, its mapped fields cleared, LastName 'Erased').", DeleteOnErasure),
    ];

    public static IReadOnlyList<string> Problems(ConnectorSettings settings)
    {
        var problems = new List<string>();
        if (!SalesforceId.Is(settings.Get(OrgId), KeyPrefixes.Organization))
        {
            problems.Add($"'{OrgId}' must be a 15- or 18-character Salesforce org id starting with 00D.");
        }
        foreach (var name in new[] { Instance, Login })
        {
            if (settings.GetUri(name) is { } uri && uri.Scheme != Uri.UriSchemeHttps && !uri.IsLoopback)
            {
                problems.Add($"'{name}' must use https: credentials and tokens travel over it.");
            }
        }
        problems.AddRange(SalesforceCredentials.Problems(settings));
        foreach (var name in new[] { ExternalId, TaskExternalId })
        {
            if (settings.Get(name) is { } field && !FieldMapping.IsApiName(field))
            {
                problems.Add($"'{name}' must be a field API name such as Hub_Customer_Id__c.");
            }
        }
        if (!TryApiVersion(settings.Get(Version, DefaultApiVersion), out _))
        {
            problems.Add($"'{Version}' must be a REST API version such as {DefaultApiVersion}, at least {MinimumApiVersion:0.0}.");
        }
        if (FieldMapping.Parse(settings.Get(FieldMappingKey, FieldMapping.Default)).Problem is { } mapping)
        {
            problems.Add($"'{FieldMappingKey}': {mapping}");
        }
        if (settings.Get(Secret) is { } secret && (secret.Length < 16 || !secret.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~')))
        {
            problems.Add($"'{Secret}' must be at least 16 URL-safe characters (letters, digits, - _ . ~).");
        }
        if (settings.Get(IntegrationUser) is { } user && !SalesforceId.Is(user, KeyPrefixes.User))
        {
            problems.Add($"'{IntegrationUser}' must be a 15- or 18-character user id starting with 005.");
        }
        if (ParseChannels(settings.Get(Tasks, DefaultTaskChannels)) is null)
        {
            problems.Add($"'{Tasks}' must be 'none' or channels among {string.Join(", ", TouchpointChannels.All)}.");
        }
        if (settings.Get(SmsOptOut) is { } smsField && !FieldMapping.IsApiName(smsField))
        {
            problems.Add($"'{SmsOptOut}' must be a field API name such as SMS_Opt_Out__c.");
        }
        if (settings.Get(Erasure, DeleteOnErasure) is not (DeleteOnErasure or AnonymizeErasure))
        {
            problems.Add($"'{Erasure}' must be '{DeleteOnErasure}' or '{AnonymizeErasure}'.");
        }
        return problems;
    }

    public static SalesforceOptions From(ConnectorSettings settings)
    {
        TryApiVersion(settings.Get(Version, DefaultApiVersion), out var version);
        return new SalesforceOptions(
            SalesforceId.Normalize(settings.GetRequired(OrgId)) ?? throw new InvalidOperationException($"'{OrgId}' is not valid."),
            settings.GetUri(Instance)!,
            settings.GetUri(Login) ?? new Uri(DefaultLoginUrl),
            SalesforceCredentials.From(settings),
            settings.Get(ExternalId, DefaultExternalIdField),
            version,
            FieldMapping.Parse(settings.Get(FieldMappingKey, FieldMapping.Default)).Mapping ?? throw new InvalidOperationException($"'{FieldMappingKey}' is not valid."),
            settings.Get(Secret),
            SalesforceId.Normalize(settings.Get(IntegrationUser)),
            ParseChannels(settings.Get(Tasks, DefaultTaskChannels)) ?? new HashSet<string>(),
            settings.Get(TaskExternalId),
            settings.Get(SmsOptOut),
            settings.Get(Erasure, DeleteOnErasure) == AnonymizeErasure);
    }

    private static bool TryApiVersion(string text, out string version)
    {
        version = text.TrimStart('v', 'V');
        return version.Contains('.', StringComparison.Ordinal)
            && decimal.TryParse(version, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
            && number >= MinimumApiVersion && number < 1000;
    }

    private static HashSet<string>? ParseChannels(string text)
    {
        if (text.Trim().Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return new HashSet<string>(StringComparer.Ordinal);
        }
        var channels = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        return channels.Count > 0 && channels.All(TouchpointChannels.All.Contains) ? channels : null;
    }
}
