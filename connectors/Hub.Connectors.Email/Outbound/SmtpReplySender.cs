using System.Globalization;
using System.Net.Sockets;
using Hub.Connectors.Email.Imap;
using Hub.Connectors.Email.Reading;
using Hub.Contracts.Connectors;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Search;
using MailKit.Security;
using MimeKit;

namespace Hub.Connectors.Email.Outbound;

/// <summary>
/// Sends a message through the instance's SMTP server. A reply (<see cref="OutboundMessage.ReplyTo"/> = the
/// Message-ID answered) finds that mail in the folder for its subject and <c>References</c>, and threads as
/// RFC 5322 3.6.4 says: <c>In-Reply-To</c> = the parent's id, <c>References</c> = the parent's References (or
/// In-Reply-To) plus its id. A permanent refusal (5xx) is not sent; a temporary one (4xx, no connection) is thrown
/// as <see cref="SyncTargetUnavailableException"/>. Connections go through the hub's SSRF guard: an SMTP host at an
/// internal address not allowed is thrown as <see cref="OutboundAddressRefusedException"/>, as the HTTP clients do.
/// </summary>
internal sealed class SmtpReplySender(IOutboundConnections connections)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public async Task<MessageSendResult> SendAsync(ImapOptions options, OutboundMessage message, CancellationToken cancellationToken)
    {
        if (options.SmtpHost is null || options.FromAddress is null)
        {
            return new MessageSendResult(false, null, null, $"Sending needs '{ImapOptions.SmtpHostOption}' and '{ImapOptions.FromAddressOption}' on this instance.");
        }
        var parent = message.ReplyTo is { } replyTo ? await ParentAsync(options, replyTo, cancellationToken) : null;
        var mail = Compose(options, message, parent);
        using var client = new SmtpClient { Timeout = (int)Timeout.TotalMilliseconds };
        try
        {
            await ImapSessions.ConnectAsync(client, connections, options.SmtpHost, options.SmtpPort, options.SmtpSecurity, cancellationToken);
            if (client.Capabilities.HasFlag(SmtpCapabilities.Authentication) && client.AuthenticationMechanisms.Count > 0)
            {
                await (options.OAuth2
                    ? client.AuthenticateAsync(new SaslMechanismOAuth2(options.User, options.Password), cancellationToken)
                    : client.AuthenticateAsync(options.User, options.Password, cancellationToken));
            }
            var answer = await client.SendAsync(mail, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
            var id = Ids.Bracketed(mail.MessageId)!;
            return new MessageSendResult(true, id, null, $"accepted by {options.SmtpHost}: {answer}")
            {
                SourceEventId = EmailMapper.FromMessageId(id),
                TouchpointType = "email.sent",
            };
        }
        catch (SmtpCommandException e) when ((int)e.StatusCode >= 500)
        {
            return new MessageSendResult(false, null, ((int)e.StatusCode).ToString(CultureInfo.InvariantCulture), $"{options.SmtpHost} refused the message: {e.Message}");
        }
        catch (AuthenticationException e)
        {
            return new MessageSendResult(false, null, "auth", $"{options.SmtpHost} refused the login of '{options.User}': {e.Message}");
        }
        catch (Exception e) when (e is SmtpCommandException or SmtpProtocolException or (IOException and not OutboundAddressRefusedException) or SocketException or TimeoutException)
        {
            throw new SyncTargetUnavailableException($"{options.SmtpHost}:{options.SmtpPort} cannot take the message now: {e.Message}", TimeSpan.FromSeconds(30));
        }
    }

    private static MimeMessage Compose(ImapOptions options, OutboundMessage message, MimeMessage? parent)
    {
        var from = MailboxAddress.Parse(options.FromAddress!);
        var mail = new MimeMessage();
        mail.From.Add(from);
        mail.To.Add(MailboxAddress.Parse(message.To));
        mail.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(from.Domain);
        var subject = parent?.Subject;
        mail.Subject = subject is null ? $"Message from {from.Address}"
            : subject.StartsWith("Re:", StringComparison.OrdinalIgnoreCase) ? subject : $"Re: {subject}";
        if (message.ReplyTo is { } replyTo)
        {
            mail.InReplyTo = replyTo.Trim('<', '>');
            IEnumerable<string> references = parent?.References is { Count: > 0 } known ? known
                : parent?.InReplyTo is { } grandparent ? [grandparent] : [];
            foreach (var reference in references.Append(replyTo.Trim('<', '>')))
            {
                mail.References.Add(reference);
            }
        }
        mail.Body = new TextPart("plain") { Text = message.Body };
        return mail;
    }

    /// <summary>The headers of the mail answered, when it is in the folder; without them the reply still threads by In-Reply-To.</summary>
    private async Task<MimeMessage?> ParentAsync(ImapOptions options, string replyTo, CancellationToken cancellationToken)
    {
        ImapClient? client = null;
        try
        {
            (client, var folder) = await ImapSessions.OpenAsync(options, connections, cancellationToken);
            var found = await folder.SearchAsync(SearchQuery.HeaderContains("Message-ID", replyTo.Trim('<', '>')), cancellationToken);
            return found.Count == 0 ? null : new MimeMessage(await folder.GetHeadersAsync(found[^1], cancellationToken));
        }
        catch (Exception e) when (e is IOException or SocketException or ImapProtocolException or ImapCommandException or AuthenticationException or FolderNotFoundException or TimeoutException)
        {
            return null;
        }
        finally
        {
            if (client is not null)
            {
                await ImapSessions.CloseAsync(client);
            }
        }
    }
}
