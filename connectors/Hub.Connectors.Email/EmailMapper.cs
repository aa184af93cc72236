using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Hub.Connectors.Email.Reading;
using Hub.Contracts.Consent;
using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;

namespace Hub.Connectors.Email;

/// <summary>
/// One <see cref="Mail"/> to one touchpoint, the same whichever way the mail came. The source event id is the
/// Message-ID, so the same mail seen twice (a re-scan after a UIDVALIDITY change, a webhook retry, the same mail over
/// IMAP and a provider) is one touchpoint.
/// </summary>
internal static class EmailMapper
{
    public const int MaxExcerptLength = 500;
    public const int MaxSummaryLength = 200;
    public const string UndeliverableFact = "emailUndeliverable";

    public static TouchpointDraft ToDraft(Mail mail, DateTimeOffset receivedAt, string? ownAddress = null)
    {
        var kind = MailKinds.Of(mail, ownAddress);
        var details = Details(mail, kind);
        var draft = new TouchpointDraft
        {
            SourceEventId = SourceEventId(mail),
            Channel = TouchpointChannels.Email,
            Type = Type(kind),
            OccurredAt = mail.Date ?? receivedAt,
            Direction = kind switch
            {
                MailKind.Sent => TouchpointDirection.Outbound,
                MailKind.Bounce or MailKind.DeliveryStatus or MailKind.Unreadable => TouchpointDirection.None,
                _ => TouchpointDirection.Inbound,
            },
            Summary = Summary(mail, kind),
            ContentReference = mail.MessageId is { } id ? $"mid:{Uri.EscapeDataString(id.Trim('<', '>'))}" : null,
            Details = details,
        };
        return kind switch
        {
            MailKind.Bounce => draft with
            {
                Identities = [.. mail.DeliveryStatuses.Where(s => s.PermanentFailure).Select(s => CustomerIdentifier.Email(s.Recipient)).Distinct()],
                ProfileFacts = mail.DeliveryStatuses.Where(s => s.PermanentFailure).Take(1)
                    .ToDictionary(_ => UndeliverableFact, s => $"{s.Recipient} ({s.Status})"),
            },
            MailKind.Sent => draft with { Identities = [.. mail.To.Select(CustomerIdentifier.Email)] },
            MailKind.List or MailKind.DeliveryStatus or MailKind.Unreadable => draft,
            MailKind.Unsubscribe => draft with
            {
                Identities = Sender(mail),
                ProfileFacts = new Dictionary<string, string>(Name(mail)) { [ConsentFacts.For(TouchpointChannels.Email, ConsentFacts.MarketingPurpose)] = ConsentFacts.Denied },
            },
            _ => draft with { Identities = Sender(mail), ProfileFacts = Name(mail) },
        };
    }

    public static string SourceEventId(Mail mail)
    {
        if (mail.MessageId is { } id)
        {
            return FromMessageId(id);
        }
        if (mail.Flags.Contains(MailFlags.Unreadable) && (mail.Location ?? (mail.Digest is { } digest ? $"email-raw-sha256:{digest}" : null)) is { } location)
        {
            return location;
        }
        // No Message-ID: what identifies the mail best among what every channel delivers.
        var key = string.Join('\n', mail.FromAddress, mail.Date?.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), mail.Subject, Excerpt(mail.Text));
        return $"email-sha256:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))}";
    }

    /// <summary>
    /// <c>email:&lt;Message-ID&gt;</c>; a Message-ID too long for the store (RFC 5322 allows 998 characters) is
    /// replaced by its SHA-256, which is as stable.
    /// </summary>
    public static string FromMessageId(string messageId)
    {
        var id = $"email:{messageId}";
        return id.Length <= TouchpointLimits.SourceEventIdLength
            ? id
            : $"email-id-sha256:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(messageId)))}";
    }

    /// <summary>
    /// The thread a mail belongs to, without a lookup: the first id of <c>References</c> is the thread's first
    /// message (RFC 5322 3.6.4), else the parent of <c>In-Reply-To</c>, else the mail starts a thread of its own.
    /// </summary>
    public static string? ConversationId(Mail mail) =>
        mail.References.FirstOrDefault() ?? mail.InReplyTo.FirstOrDefault() ?? mail.MessageId;

    private static string Type(MailKind kind) => kind switch
    {
        MailKind.Customer => "email.received",
        MailKind.Bounce => "email.bounced",
        MailKind.DeliveryStatus => "email.delivery_status",
        MailKind.AutoReply => "email.auto_reply",
        MailKind.List => "email.list",
        MailKind.Unsubscribe => "email.unsubscribe",
        MailKind.Sent => "email.sent",
        _ => "email.unreadable",
    };

    private static Dictionary<string, string> Details(Mail mail, MailKind kind)
    {
        var details = new Dictionary<string, string>(StringComparer.Ordinal);
        Add(details, "subject", mail.Subject);
        Add(details, "excerpt", Excerpt(mail.Text));
        Add(details, "from", mail.FromAddress);
        Add(details, "messageId", mail.MessageId);
        Add(details, "inReplyTo", string.Join(' ', mail.InReplyTo));
        Add(details, "references", string.Join(' ', mail.References));
        Add(details, "conversationId", ConversationId(mail));
        Add(details, "attachments", string.Join("; ", mail.Attachments.Select(a => $"{a.Name} ({a.Size.ToString(CultureInfo.InvariantCulture)} bytes)")));
        Add(details, "classification", kind.ToString().ToLowerInvariant());
        Add(details, "listId", kind == MailKind.List ? mail.Header("List-Id")?.Trim() : null);
        Add(details, "deliveryStatus", string.Join("; ", mail.DeliveryStatuses.Select(s => $"{s.Recipient} {s.Action} {s.Status}")));
        Add(details, "flags", string.Join(',', mail.Flags.Order(StringComparer.Ordinal)));
        return details;
    }

    private static string? Summary(Mail mail, MailKind kind)
    {
        var subject = string.IsNullOrWhiteSpace(mail.Subject) ? "(no subject)" : Collapse(mail.Subject);
        var text = kind == MailKind.Unreadable ? "Unreadable e-mail (recorded and skipped)" : subject;
        return text.Length > MaxSummaryLength ? text[..MaxSummaryLength] + "…" : text;
    }

    private static string? Excerpt(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        var collapsed = Collapse(text);
        return collapsed.Length > MaxExcerptLength ? collapsed[..MaxExcerptLength] + "…" : collapsed;
    }

    private static string Collapse(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static List<CustomerIdentifier> Sender(Mail mail) =>
        mail.FromAddress is { Length: > 0 } address ? [CustomerIdentifier.Email(address)] : [];

    private static Dictionary<string, string> Name(Mail mail) =>
        mail.FromName is { Length: > 0 } name && !LenientText.LooksUndecoded(name) ? new() { ["name"] = name } : [];

    private static void Add(Dictionary<string, string> details, string key, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            details[key] = value;
        }
    }
}
