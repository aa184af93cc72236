namespace Hub.Connectors.Email.Reading;

/// <summary>
/// One e-mail as the hub reads it, whichever way it came (a MIME message from IMAP, the fields of an inbound-parse
/// webhook): the same mail gives the same <see cref="Mail"/>, and so the same touchpoint.
/// </summary>
internal sealed record Mail
{
    public string? MessageId { get; init; }

    /// <summary>Where the mail was found (<c>imap:&lt;folder&gt;:&lt;uidvalidity&gt;:&lt;uid&gt;</c>): its id when it has no Message-ID and could not be read.</summary>
    public string? Location { get; init; }

    /// <summary>SHA-256 (hex) of the bytes as received: the id of an unreadable mail that has no <see cref="Location"/>.</summary>
    public string? Digest { get; init; }

    public IReadOnlyList<string> InReplyTo { get; init; } = [];

    public IReadOnlyList<string> References { get; init; } = [];

    public DateTimeOffset? Date { get; init; }

    public string? FromAddress { get; init; }

    public string? FromName { get; init; }

    public IReadOnlyList<string> To { get; init; } = [];

    public string? Subject { get; init; }

    /// <summary>The plain text, or the HTML converted to text when there is no text part.</summary>
    public string? Text { get; init; }

    public IReadOnlyList<Attachment> Attachments { get; init; } = [];

    /// <summary>Every header as (name, value), in order; classification reads them.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>The per-recipient results of a delivery status notification, when the mail is one.</summary>
    public IReadOnlyList<DeliveryStatus> DeliveryStatuses { get; init; } = [];

    /// <summary>What was wrong with the mail and taken as far as possible (see <see cref="MailFlags"/>).</summary>
    public IReadOnlySet<string> Flags { get; init; } = new HashSet<string>();

    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    public bool HasHeader(Func<string, bool> name) => Headers.Any(h => name(h.Key));
}

/// <summary>An attachment's name and decoded size; the content stays out of the hub.</summary>
internal sealed record Attachment(string Name, long Size);

/// <summary>One recipient block of a DSN (RFC 3464): <c>Final-Recipient</c>, <c>Action</c>, <c>Status</c>.</summary>
internal sealed record DeliveryStatus(string Recipient, string Action, string Status)
{
    public bool PermanentFailure => Action.Equals("failed", StringComparison.OrdinalIgnoreCase) || Status.StartsWith('5');
}

/// <summary>The defects a mail can carry; the touchpoint keeps them in its <c>flags</c> detail.</summary>
internal static class MailFlags
{
    /// <summary>Bigger than the instance's limit: only the headers were read.</summary>
    public const string Oversized = "oversized";

    /// <summary>The MIME structure could not be parsed as written (what could be read was kept).</summary>
    public const string MalformedMime = "malformed-mime";

    /// <summary>A charset was wrong or unknown, or an encoded-word was broken: decoded leniently.</summary>
    public const string BrokenEncoding = "broken-encoding";

    /// <summary>No readable message at all; recorded and skipped.</summary>
    public const string Unreadable = "unreadable";
}
