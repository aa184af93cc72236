namespace Hub.Connectors.Email.Reading;

/// <summary>What a mail is, in the order of <see cref="MailKinds.Of"/>.</summary>
internal enum MailKind
{
    /// <summary>A person wrote it: <c>email.received</c>.</summary>
    Customer,

    /// <summary>A delivery status notification with a permanent failure: <c>email.bounced</c>.</summary>
    Bounce,

    /// <summary>A DSN that only reports a delay or a success: <c>email.delivery_status</c>.</summary>
    DeliveryStatus,

    /// <summary>An out-of-office or other automatic reply (RFC 3834 and common markers): <c>email.auto_reply</c>.</summary>
    AutoReply,

    /// <summary>Mailing-list or bulk traffic (RFC 2369/2919, <c>Precedence</c>): <c>email.list</c>.</summary>
    List,

    /// <summary>A person asks to be taken off the company's mailings: <c>email.unsubscribe</c>.</summary>
    Unsubscribe,

    /// <summary>The mailbox's own outgoing mail (sent from <c>FromAddress</c>): <c>email.sent</c>.</summary>
    Sent,

    /// <summary>Nothing could be read: <c>email.unreadable</c>, recorded and skipped.</summary>
    Unreadable,
}

/// <summary>The classification order of the formats README (4.6): DSN, auto-reply, list, then a person.</summary>
internal static class MailKinds
{
    public static MailKind Of(Mail mail, string? ownAddress)
    {
        if (mail.Flags.Contains(MailFlags.Unreadable))
        {
            return MailKind.Unreadable;
        }
        if (mail.DeliveryStatuses.Count > 0 || IsDeliveryReport(mail.Header("Content-Type")) || IsMailSystem(mail.FromAddress))
        {
            return mail.DeliveryStatuses.Any(s => s.PermanentFailure) ? MailKind.Bounce : MailKind.DeliveryStatus;
        }
        if (ownAddress is not null && string.Equals(mail.FromAddress, ownAddress, StringComparison.OrdinalIgnoreCase))
        {
            return MailKind.Sent;
        }
        if (IsAutoReply(mail))
        {
            return MailKind.AutoReply;
        }
        if (IsList(mail))
        {
            return MailKind.List;
        }
        return AsksToUnsubscribe(mail) ? MailKind.Unsubscribe : MailKind.Customer;
    }

    /// <summary>A <c>multipart/report; report-type=delivery-status</c> content type (RFC 6522).</summary>
    public static bool IsDeliveryReport(string? contentType) =>
        contentType is not null
        && contentType.Contains("multipart/report", StringComparison.OrdinalIgnoreCase)
        && contentType.Contains("delivery-status", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// MAILER-DAEMON or postmaster: the mail system itself, which reports on delivery and is never a customer, even
    /// when its report cannot be read.
    /// </summary>
    public static bool IsMailSystem(string? address) =>
        address?.Split('@')[0].ToLowerInvariant() is "mailer-daemon" or "postmaster";

    private static bool IsAutoReply(Mail mail) =>
        (mail.Header("Auto-Submitted") is { } submitted && !submitted.Trim().StartsWith("no", StringComparison.OrdinalIgnoreCase))
        || mail.Header("X-Autoreply") is not null
        || mail.Header("X-Autorespond") is not null
        || string.Equals(mail.Header("Precedence")?.Trim(), "auto_reply", StringComparison.OrdinalIgnoreCase);

    private static bool IsList(Mail mail) =>
        mail.HasHeader(name => name.StartsWith("List-", StringComparison.OrdinalIgnoreCase))
        || mail.Header("Precedence")?.Trim().ToLowerInvariant() is "list" or "bulk" or "junk";

    /// <summary>
    /// A reply to a <c>List-Unsubscribe</c> mailto (subject "unsubscribe", or sent to an address whose local part
    /// says so, such as <c>unsubscribe+token@example.com</c>).
    /// </summary>
    private static bool AsksToUnsubscribe(Mail mail) =>
        (mail.Subject?.Trim().StartsWith("unsubscribe", StringComparison.OrdinalIgnoreCase) ?? false)
        || mail.To.Any(to => to.Split('@')[0].Contains("unsubscribe", StringComparison.OrdinalIgnoreCase));
}
