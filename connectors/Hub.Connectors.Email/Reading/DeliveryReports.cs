using MimeKit;

namespace Hub.Connectors.Email.Reading;

/// <summary>The recipient blocks of a delivery status notification (RFC 3464, inside RFC 6522 <c>multipart/report</c>).</summary>
internal static class DeliveryReports
{
    public static IEnumerable<DeliveryStatus> Read(MimeMessage message)
    {
        if (message.Body is not MultipartReport { ReportType: { } type } report || !type.Equals("delivery-status", StringComparison.OrdinalIgnoreCase))
        {
            yield break;
        }
        foreach (var status in report.OfType<MessageDeliveryStatus>().SelectMany(Recipients))
        {
            yield return status;
        }
    }

    /// <summary>The recipient blocks of a <c>message/delivery-status</c> part an inbound-parse service sent as an attachment.</summary>
    public static IEnumerable<DeliveryStatus> Read(byte[] deliveryStatus) =>
        Recipients(new MessageDeliveryStatus { Content = new MimeContent(new MemoryStream(deliveryStatus, writable: false)) });

    /// <summary><c>message/delivery-status</c> or, for internationalised mail, <c>message/global-delivery-status</c> (RFC 6533).</summary>
    public static bool IsDeliveryStatus(string? contentType) =>
        contentType is not null && ContentType.TryParse(contentType, out var type)
        && type.MediaType.Equals("message", StringComparison.OrdinalIgnoreCase)
        && type.MediaSubtype.ToLowerInvariant() is "delivery-status" or "global-delivery-status";

    private static IEnumerable<DeliveryStatus> Recipients(MessageDeliveryStatus status)
    {
        // The first group describes the message; each further group one recipient.
        foreach (var group in status.StatusGroups.Skip(1))
        {
            var recipient = Address(group["Final-Recipient"]);
            if (recipient is not null)
            {
                yield return new DeliveryStatus(recipient, group["Action"]?.Trim() ?? "", group["Status"]?.Trim() ?? "");
            }
        }
    }

    /// <summary><c>rfc822; someone@example.net</c> → <c>someone@example.net</c>.</summary>
    private static string? Address(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        var separator = value.IndexOf(';', StringComparison.Ordinal);
        var address = (separator < 0 ? value : value[(separator + 1)..]).Trim().Trim('<', '>');
        return address.Contains('@', StringComparison.Ordinal) ? address : null;
    }
}
