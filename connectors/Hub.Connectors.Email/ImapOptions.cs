using System.Globalization;
using Hub.Contracts.Connectors;
using MailKit.Security;
using MimeKit;

namespace Hub.Connectors.Email;

/// <summary>The typed options of one <c>imap</c> instance: one mailbox folder, and the SMTP server replies leave through.</summary>
internal sealed record ImapOptions(string Host, int Port, SecureSocketOptions Security, string User, string Password, string Folder)
{
    public const string HostOption = "Host";
    public const string PortOption = "Port";
    public const string SecurityOption = "Security";
    public const string UserOption = "User";
    public const string PasswordOption = "Password";
    public const string FolderOption = "Folder";
    public const string AuthenticationOption = "Authentication";
    public const string SmtpHostOption = "SmtpHost";
    public const string SmtpPortOption = "SmtpPort";
    public const string SmtpSecurityOption = "SmtpSecurity";
    public const string FromAddressOption = "FromAddress";
    public const string IdleOption = "IdleSeconds";
    public const string IntervalOption = "PollIntervalSeconds";
    public const string BatchOption = "BatchSize";
    public const string MaxBytesOption = "MaxMessageBytes";
    public const string PasswordAuthentication = "password";
    public const string OAuth2Authentication = "oauth2";
    public const int MaxIdleSeconds = 25;

    public bool OAuth2 { get; init; }

    public string? SmtpHost { get; init; }

    public int SmtpPort { get; init; }

    public SecureSocketOptions SmtpSecurity { get; init; }

    public string? FromAddress { get; init; }

    public TimeSpan Idle { get; init; }

    public TimeSpan PollInterval { get; init; }

    public int BatchSize { get; init; }

    public long MaxMessageBytes { get; init; }

    public static IReadOnlyList<ConnectorOptionDescriptor> Descriptors { get; } =
    [
        new(HostOption, "IMAP host", ConnectorOptionType.Text, Required: true, "The mailbox's IMAP server, such as imap.example.com.") { IsDestination = true },
        new(PortOption, "IMAP port", ConnectorOptionType.Integer, Required: false, "993 with 'ssl', 143 with 'starttls' or 'none' unless set.") { IsDestination = true },
        new(SecurityOption, "IMAP security", ConnectorOptionType.Text, Required: false, "'ssl' (TLS from the first byte), 'starttls' or 'none' (loopback and tests only).", "ssl") { IsDestination = true },
        new(UserOption, "User", ConnectorOptionType.Text, Required: true, "The mailbox's login, also used for SMTP when the SMTP server asks for a login."),
        new(PasswordOption, "Password or OAuth2 token", ConnectorOptionType.Secret, Required: true, "The mailbox's password, or an OAuth2 access token with Authentication 'oauth2'."),
        new(AuthenticationOption, "Authentication", ConnectorOptionType.Text, Required: false, "'password' or 'oauth2' (SASL XOAUTH2 with Password as the access token).", PasswordAuthentication),
        new(FolderOption, "Folder", ConnectorOptionType.Text, Required: false, "The folder read, such as INBOX or Support.", "INBOX"),
        new(SmtpHostOption, "SMTP host", ConnectorOptionType.Text, Required: false, "The server replies are sent through; without it the instance only reads.") { IsDestination = true },
        new(SmtpPortOption, "SMTP port", ConnectorOptionType.Integer, Required: false, "465 with 'ssl', 587 with 'starttls', 25 with 'none' unless set.") { IsDestination = true },
        new(SmtpSecurityOption, "SMTP security", ConnectorOptionType.Text, Required: false, "'ssl', 'starttls' or 'none'.", "starttls") { IsDestination = true },
        new(FromAddressOption, "From address", ConnectorOptionType.Text, Required: false, "The address replies are sent from (usually the mailbox's own); mail from it is recorded as sent, not received."),
        new(IdleOption, "IDLE wait (seconds)", ConnectorOptionType.Integer, Required: false, $"How long one poll waits on IMAP IDLE for new mail when the server supports it, 0 to {MaxIdleSeconds}; 0 turns IDLE off.", "20"),
        new(IntervalOption, "Poll interval (seconds)", ConnectorOptionType.Integer, Required: false, "The wait between two polls when the server has no IDLE (or it is off).", "60"),
        new(BatchOption, "Batch size", ConnectorOptionType.Integer, Required: false, "How many messages one poll takes at most; the checkpoint advances after each batch.", "50"),
        new(MaxBytesOption, "Largest message read whole (bytes)", ConnectorOptionType.Integer, Required: false, "Bigger messages are recorded from their headers alone and flagged 'oversized'.", "26214400"),
    ];

    public static IReadOnlyList<string> Problems(ConnectorSettings settings)
    {
        var problems = new List<string>();
        foreach (var option in (string[])[SecurityOption, SmtpSecurityOption])
        {
            if (settings.Get(option) is { } value && ParseSecurity(value) is null)
            {
                problems.Add($"'{option}' must be 'ssl', 'starttls' or 'none'.");
            }
        }
        foreach (var option in (string[])[PortOption, SmtpPortOption])
        {
            if (settings.Get(option) is { } value && Number(value) is not (>= 1 and <= 65535))
            {
                problems.Add($"'{option}' must be a port number from 1 to 65535.");
            }
        }
        if (settings.Get(AuthenticationOption) is { } auth && auth is not (PasswordAuthentication or OAuth2Authentication))
        {
            problems.Add($"'{AuthenticationOption}' must be '{PasswordAuthentication}' or '{OAuth2Authentication}'.");
        }
        if (settings.Get(FromAddressOption) is { } from && !IsAddress(from))
        {
            problems.Add($"'{FromAddressOption}' must be one e-mail address, such as support@example.com.");
        }
        if (settings.Get(SmtpHostOption) is not null && settings.Get(FromAddressOption) is null)
        {
            problems.Add($"'{FromAddressOption}' is needed with '{SmtpHostOption}': replies must say whom they come from.");
        }
        Range(settings, IdleOption, 0, MaxIdleSeconds, problems);
        Range(settings, IntervalOption, 1, 86_400, problems);
        Range(settings, BatchOption, 1, 1_000, problems);
        Range(settings, MaxBytesOption, 65_536, int.MaxValue, problems);
        return problems;
    }

    public static ImapOptions From(ConnectorSettings settings)
    {
        var security = ParseSecurity(settings.Get(SecurityOption) ?? "ssl")!.Value;
        var smtpSecurity = ParseSecurity(settings.Get(SmtpSecurityOption) ?? "starttls")!.Value;
        return new ImapOptions(
            settings.GetRequired(HostOption),
            Number(settings.Get(PortOption)) ?? (security == SecureSocketOptions.SslOnConnect ? 993 : 143),
            security,
            settings.GetRequired(UserOption),
            settings.GetRequired(PasswordOption),
            settings.Get(FolderOption) ?? "INBOX")
        {
            OAuth2 = settings.Get(AuthenticationOption) == OAuth2Authentication,
            SmtpHost = settings.Get(SmtpHostOption),
            SmtpPort = Number(settings.Get(SmtpPortOption)) ?? smtpSecurity switch
            {
                SecureSocketOptions.SslOnConnect => 465,
                SecureSocketOptions.None => 25,
                _ => 587,
            },
            SmtpSecurity = smtpSecurity,
            FromAddress = settings.Get(FromAddressOption),
            Idle = TimeSpan.FromSeconds(Number(settings.Get(IdleOption)) ?? 20),
            PollInterval = TimeSpan.FromSeconds(Number(settings.Get(IntervalOption)) ?? 60),
            BatchSize = Number(settings.Get(BatchOption)) ?? 50,
            MaxMessageBytes = Number(settings.Get(MaxBytesOption)) ?? 25 * 1024 * 1024,
        };
    }

    private static SecureSocketOptions? ParseSecurity(string value) => value.Trim().ToLowerInvariant() switch
    {
        "ssl" => SecureSocketOptions.SslOnConnect,
        "starttls" => SecureSocketOptions.StartTls,
        "none" => SecureSocketOptions.None,
        _ => null,
    };

    private static int? Number(string? value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;

    private static void Range(ConnectorSettings settings, string option, int min, int max, List<string> problems)
    {
        if (settings.Get(option) is { } value && (Number(value) is not { } number || number < min || number > max))
        {
            problems.Add($"'{option}' must be a whole number from {min} to {max}.");
        }
    }

    private static bool IsAddress(string value) =>
        MailboxAddress.TryParse(value, out var address) && address.Address.Contains('@', StringComparison.Ordinal) && !value.Contains(',', StringComparison.Ordinal);
}
