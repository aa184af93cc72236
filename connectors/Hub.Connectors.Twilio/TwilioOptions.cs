using System.Text.RegularExpressions;
using Hub.Contracts.Connectors;

namespace Hub.Connectors.Twilio;

/// <summary>The typed options of one Twilio connector instance (one Twilio account).</summary>
internal sealed partial record TwilioOptions(
    string AccountSid,
    string AuthToken,
    Uri? PublicBaseUrl,
    string? FromNumber,
    string? MessagingServiceSid,
    Uri ApiBaseUrl)
{
    /// <summary>The answer to an incoming call; empty TwiML unless configured.</summary>
    public string? VoiceResponse { get; init; }

    /// <summary>The answer to an incoming text (not to STOP/START keywords, which Twilio answers itself); empty TwiML unless configured.</summary>
    public string? MessagingResponse { get; init; }

    public const string Account = "AccountSid";
    public const string Token = "AuthToken";
    public const string PublicBase = "PublicBaseUrl";
    public const string SenderNumber = "FromNumber";
    public const string MessagingService = "MessagingServiceSid";
    public const string ApiBase = "ApiBaseUrl";
    public const string DefaultRegion = "DefaultRegion";
    public const string VoiceTwiml = "VoiceResponse";
    public const string MessagingTwiml = "MessagingResponse";
    public const string TwilioApi = "https://api.twilio.com";

    public static IReadOnlyList<ConnectorOptionDescriptor> Descriptors { get; } =
    [
        new(Account, "Account SID", ConnectorOptionType.Text, Required: true,
            "The Twilio account (AC followed by 32 hex digits), from the Twilio console's dashboard."),
        new(Token, "Auth token", ConnectorOptionType.Secret, Required: true,
            "The account's auth token: Twilio signs every webhook with it (X-Twilio-Signature)."),
        new(PublicBase, "Public base URL", ConnectorOptionType.Url, Required: false,
            "The scheme, host and port Twilio calls (https://hub.example.com) when the hub sits behind a proxy or TLS terminator; signatures are checked against it.") { IsDestination = false },
        new(SenderNumber, "From number", ConnectorOptionType.Text, Required: false,
            "The Twilio number (E.164) texts are sent from; or give a Messaging Service SID."),
        new(MessagingService, "Messaging Service SID", ConnectorOptionType.Text, Required: false,
            "The Messaging Service (MG followed by 32 hex digits) texts are sent through, instead of a From number."),
        new(ApiBase, "API base URL", ConnectorOptionType.Url, Required: false,
            "Twilio's REST API; change it only for tests.", TwilioApi),
        new(DefaultRegion, "Default phone region", ConnectorOptionType.PhoneRegion, Required: false,
            "ISO 3166 region for national phone numbers; default Hub:Identity:DefaultRegion."),
        new(VoiceTwiml, "Answer to incoming calls", ConnectorOptionType.Text, Required: false,
            "TwiML the hub answers an incoming call with (<Response>...</Response>), when the hub's URL is the number's voice URL; default empty TwiML."),
        new(MessagingTwiml, "Answer to incoming texts", ConnectorOptionType.Text, Required: false,
            "TwiML the hub answers an incoming text with, such as an auto-reply (<Response><Message>...</Message></Response>); default empty TwiML. STOP/START keywords always get empty TwiML."),
    ];

    public static IReadOnlyList<string> Problems(ConnectorSettings settings)
    {
        var problems = new List<string>();
        if (!AccountSidPattern().IsMatch(settings.Get(Account) ?? ""))
        {
            problems.Add($"'{Account}' must be AC followed by 32 hex digits.");
        }
        if (settings.Get(SenderNumber) is { } from && !FromPattern().IsMatch(from))
        {
            problems.Add($"'{SenderNumber}' must be an E.164 number such as +14155550123 (or a short code).");
        }
        if (settings.Get(MessagingService) is { } service && !MessagingServicePattern().IsMatch(service))
        {
            problems.Add($"'{MessagingService}' must be MG followed by 32 hex digits.");
        }
        if (settings.Get(PublicBase) is { } publicBase && Uri.TryCreate(publicBase, UriKind.Absolute, out var uri) && (uri.Query.Length > 0 || uri.Fragment.Length > 0))
        {
            problems.Add($"'{PublicBase}' must be a base URL without query or fragment, such as https://hub.example.com.");
        }
        foreach (var option in new[] { VoiceTwiml, MessagingTwiml })
        {
            if (settings.Get(option) is { } twiml && !IsTwiml(twiml))
            {
                problems.Add($"'{option}' must be a TwiML document whose root element is <Response>.");
            }
        }
        return problems;
    }

    private static bool IsTwiml(string text)
    {
        try
        {
            return System.Xml.Linq.XDocument.Parse(text).Root?.Name.LocalName == "Response";
        }
        catch (System.Xml.XmlException)
        {
            return false;
        }
    }

    public static TwilioOptions From(ConnectorSettings settings) => new(
        settings.GetRequired(Account),
        settings.GetRequired(Token),
        settings.GetUri(PublicBase),
        settings.Get(SenderNumber),
        settings.Get(MessagingService),
        settings.GetUri(ApiBase) ?? new Uri(TwilioApi))
    {
        VoiceResponse = settings.Get(VoiceTwiml),
        MessagingResponse = settings.Get(MessagingTwiml),
    };

    [GeneratedRegex("^AC[0-9a-fA-F]{32}$")]
    private static partial Regex AccountSidPattern();

    [GeneratedRegex("^MG[0-9a-fA-F]{32}$")]
    private static partial Regex MessagingServicePattern();

    [GeneratedRegex(@"^(\+[1-9][0-9]{6,14}|[0-9]{3,8})$")]
    private static partial Regex FromPattern();
}
