using System.Text.RegularExpressions;
using Hub.Contracts.Connectors;

namespace Hub.Connectors.Twitter;

/// <summary>The typed options of one Twitter/X connector instance (one subscribed account of one X app).</summary>
internal sealed partial record TwitterOptions(string ConsumerSecret, string AccountUserId, string Mode, Uri ApiBaseUrl)
{
    /// <summary>The account's OAuth 1.0a user context, when the instance may send (replies, DMs).</summary>
    public Signing.OAuth1Credentials? Credentials { get; init; }

    /// <summary>The app's bearer token, which the mentions poll prefers to the account's tokens.</summary>
    public string? BearerToken { get; init; }

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(60);

    public const string Key = "ConsumerKey";
    public const string Secret = "ConsumerSecret";
    public const string Token = "AccessToken";
    public const string TokenSecret = "AccessTokenSecret";
    public const string Bearer = "BearerToken";
    public const string Account = "AccountUserId";
    public const string ModeOption = "Mode";
    public const string ApiBase = "ApiBaseUrl";
    public const string Interval = "PollIntervalSeconds";
    public const string WebhookMode = "webhook";
    public const string PollingMode = "polling";
    public const string XApi = "https://api.x.com";

    public static IReadOnlyList<ConnectorOptionDescriptor> Descriptors { get; } =
    [
        new(Key, "Consumer key (API key)", ConnectorOptionType.Text, Required: false,
            "The X app's API key, from the developer portal's Keys and tokens page; needed to reply and send DMs."),
        new(Secret, "Consumer secret (API key secret)", ConnectorOptionType.Secret, Required: true,
            "The X app's API key secret: X signs every webhook and the CRC challenge with it."),
        new(Token, "Access token", ConnectorOptionType.Text, Required: false,
            "The subscribed account's access token (OAuth 1.0a user context), for replies and DMs."),
        new(TokenSecret, "Access token secret", ConnectorOptionType.Secret, Required: false,
            "The subscribed account's access token secret."),
        new(Bearer, "Bearer token", ConnectorOptionType.Secret, Required: false,
            "The app's bearer token, for reading (the polling fallback)."),
        new(Account, "Account user id", ConnectorOptionType.Text, Required: true,
            "The numeric user id of the subscribed company account (not its @handle)."),
        new(ModeOption, "Mode", ConnectorOptionType.Text, Required: false,
            "'webhook' (Account Activity API pushes events to /webhooks/<instance>) or 'polling' (the v2 mentions endpoint).", WebhookMode),
        new(ApiBase, "API base URL", ConnectorOptionType.Url, Required: false,
            "X's REST API; change it only for tests.", XApi),
        new(Interval, "Poll interval (seconds)", ConnectorOptionType.Integer, Required: false,
            "In polling mode, how long to wait between two polls of the mentions (longer when X's rate limit asks for it).", "60"),
    ];

    public static IReadOnlyList<string> Problems(ConnectorSettings settings)
    {
        var problems = new List<string>();
        if (!UserId().IsMatch(settings.Get(Account) ?? ""))
        {
            problems.Add($"'{Account}' must be the account's numeric user id (1 to 19 digits), not its @handle.");
        }
        if (settings.Get(ModeOption) is { } mode && mode is not (WebhookMode or PollingMode))
        {
            problems.Add($"'{ModeOption}' must be '{WebhookMode}' or '{PollingMode}'.");
        }
        if (settings.Get(ModeOption) == PollingMode && settings.Get(Bearer) is null && (settings.Get(Key) is null || settings.Get(Token) is null))
        {
            problems.Add($"'{ModeOption}' polling needs '{Bearer}', or '{Key}' with '{Token}' and '{TokenSecret}', to read the mentions.");
        }
        if (settings.Get(Interval) is { } interval && (!int.TryParse(interval, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) || seconds is < 1 or > 86_400))
        {
            problems.Add($"'{Interval}' must be a whole number of seconds from 1 to 86400.");
        }
        if ((settings.Get(Token) is null) != (settings.Get(TokenSecret) is null))
        {
            problems.Add($"'{Token}' and '{TokenSecret}' go together: give both or neither.");
        }
        return problems;
    }

    public static TwitterOptions From(ConnectorSettings settings) => new(
        settings.GetRequired(Secret),
        settings.GetRequired(Account),
        settings.Get(ModeOption) ?? WebhookMode,
        settings.GetUri(ApiBase) ?? new Uri(XApi))
    {
        Credentials = settings.Get(Key) is { } key && settings.Get(Token) is { } token && settings.Get(TokenSecret) is { } tokenSecret
            ? new Signing.OAuth1Credentials(key, settings.GetRequired(Secret), token, tokenSecret)
            : null,
        BearerToken = settings.Get(Bearer),
        PollInterval = TimeSpan.FromSeconds(int.Parse(settings.Get(Interval) ?? "60", System.Globalization.CultureInfo.InvariantCulture)),
    };

    [GeneratedRegex("^[0-9]{1,19}$")]
    private static partial Regex UserId();
}
