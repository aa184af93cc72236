using System.Collections.Concurrent;
using System.Net.Sockets;
using Hub.Connectors.Email.Reading;
using Hub.Contracts.Connectors;
using Hub.Contracts.Touchpoints;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace Hub.Connectors.Email.Imap;

/// <summary>
/// One poll of a mailbox folder: the messages after the checkpoint's UID, oldest first, at most a batch; when there
/// are none and the server has IDLE, it waits on IDLE for a bounded time first. A message that cannot be read whole
/// (too big, broken MIME, an error fetching it) is taken as far as possible and flagged, never retried forever: the
/// checkpoint moves past it. A dropped connection backs off (1 s, 2 s, 4 s... up to 5 minutes) through the host's
/// <see cref="SyncTargetUnavailableException"/>.
/// </summary>
internal sealed partial class MailboxPoller(TimeProvider time, IOutboundConnections connections, ILogger<MailboxPoller> logger)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);

    public async Task<PollResult> PollAsync(string instanceId, ImapOptions options, string? checkpoint, CancellationToken cancellationToken)
    {
        ImapClient? client = null;
        try
        {
            (client, var folder) = await ImapSessions.OpenAsync(options, connections, cancellationToken);
            var result = await PollFolderAsync(instanceId, client, folder, options, ImapCheckpoint.Parse(checkpoint), cancellationToken);
            _failures.TryRemove(instanceId, out _);
            return result;
        }
        catch (OutboundAddressRefusedException e)
        {
            // Configuration, not an outage: asking again soon cannot help.
            throw new SyncTargetUnavailableException($"The IMAP server {options.Host}:{options.Port} is not allowed: {e.Message}", MaxBackoff);
        }
        catch (Exception e) when (e is IOException or SocketException or ImapProtocolException or ServiceNotConnectedException or TimeoutException or SslHandshakeException)
        {
            var failures = _failures.AddOrUpdate(instanceId, 1, (_, n) => Math.Min(n + 1, 20));
            var wait = TimeSpan.FromSeconds(Math.Min(Math.Pow(2, failures - 1), MaxBackoff.TotalSeconds));
            throw new SyncTargetUnavailableException($"The IMAP server {options.Host}:{options.Port} cannot be read now ({e.Message}); trying again in {wait.TotalSeconds:0} s.", wait);
        }
        catch (AuthenticationException e)
        {
            throw new SyncTargetUnavailableException($"The IMAP server refused the login of '{options.User}': {e.Message}", MaxBackoff);
        }
        finally
        {
            if (client is not null)
            {
                await ImapSessions.CloseAsync(client);
            }
        }
    }

    private async Task<PollResult> PollFolderAsync(
        string instanceId, ImapClient client, IMailFolder folder, ImapOptions options, ImapCheckpoint? checkpoint, CancellationToken cancellationToken)
    {
        var validity = folder.UidValidity;
        var last = checkpoint is { } known && known.UidValidity == validity ? known.LastUid : 0u;
        if (checkpoint is { } previous && previous.UidValidity != validity)
        {
            LogRescan(logger, instanceId, options.Folder, previous.UidValidity, validity);
        }
        var pending = await NewMessagesAsync(folder, last, cancellationToken);
        var idles = options.Idle > TimeSpan.Zero && client.Capabilities.HasFlag(ImapCapabilities.Idle);
        if (pending.Count == 0 && idles)
        {
            await IdleAsync(client, folder, options.Idle, cancellationToken);
            pending = await NewMessagesAsync(folder, last, cancellationToken);
        }
        var batch = pending.Take(options.BatchSize).ToList();
        var touchpoints = new List<TouchpointDraft>(batch.Count);
        foreach (var summary in batch)
        {
            var mail = await ReadAsync(instanceId, folder, summary, options, validity, cancellationToken);
            touchpoints.Add(EmailMapper.ToDraft(mail, summary.InternalDate ?? time.GetUtcNow(), options.FromAddress));
        }
        var next = new ImapCheckpoint(validity, batch.Count > 0 ? batch[^1].UniqueId.Id : last);
        var more = pending.Count > batch.Count;
        return new PollResult(touchpoints, next.ToString(), more || idles ? TimeSpan.Zero : options.PollInterval);
    }

    private static async Task<List<IMessageSummary>> NewMessagesAsync(IMailFolder folder, uint last, CancellationToken cancellationToken)
    {
        if (folder.Count == 0)
        {
            return [];
        }
        var range = new UniqueIdRange(new UniqueId(folder.UidValidity, last + 1), UniqueId.MaxValue);
        var summaries = await folder.FetchAsync(range, MessageSummaryItems.UniqueId | MessageSummaryItems.Size | MessageSummaryItems.InternalDate, cancellationToken);
        // "n:*" always includes the highest UID, even below n (RFC 3501 6.4.8).
        return [.. summaries.Where(s => s.UniqueId.Id > last).OrderBy(s => s.UniqueId.Id)];
    }

    private static async Task IdleAsync(ImapClient client, IMailFolder folder, TimeSpan wait, CancellationToken cancellationToken)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        done.CancelAfter(wait);
        void Arrived(object? sender, EventArgs e) => done.Cancel();
        folder.CountChanged += Arrived;
        try
        {
            await client.IdleAsync(done.Token, cancellationToken);
        }
        finally
        {
            folder.CountChanged -= Arrived;
        }
    }

    private async Task<Reading.Mail> ReadAsync(
        string instanceId, IMailFolder folder, IMessageSummary summary, ImapOptions options, uint validity, CancellationToken cancellationToken)
    {
        var location = $"imap:{options.Folder}:{validity}:{summary.UniqueId.Id}";
        var flags = new HashSet<string>();
        Reading.Mail mail;
        try
        {
            if (summary.Size is { } size && size > options.MaxMessageBytes)
            {
                flags.Add(MailFlags.Oversized);
                var headers = await folder.GetHeadersAsync(summary.UniqueId, cancellationToken);
                mail = MessageReader.Read(new MimeMessage(headers), flags, headersOnly: true);
            }
            else
            {
                await using var raw = await folder.GetStreamAsync(summary.UniqueId, cancellationToken);
                mail = MessageReader.Read(raw, flags);
            }
        }
        catch (Exception e) when (e is ImapCommandException or FormatException or ParseException or MessageNotFoundException)
        {
            LogUnreadable(logger, e, instanceId, location);
            flags.Add(MailFlags.Unreadable);
            mail = new Reading.Mail { Flags = flags };
        }
        if (mail.Flags.Count > 0)
        {
            LogFlagged(logger, instanceId, location, mail.MessageId, string.Join(',', mail.Flags));
        }
        return mail with { Location = location };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{ConnectorInstance}: UIDVALIDITY of {Folder} changed from {Old} to {New}; reading the folder again (Message-IDs keep the touchpoints single)")]
    private static partial void LogRescan(ILogger logger, string connectorInstance, string folder, uint old, uint @new);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{ConnectorInstance}: message {Location} could not be read; recorded as unreadable and skipped")]
    private static partial void LogUnreadable(ILogger logger, Exception exception, string connectorInstance, string location);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{ConnectorInstance}: message {Location} ({MessageId}) taken as far as possible, flagged {Flags}")]
    private static partial void LogFlagged(ILogger logger, string connectorInstance, string location, string? messageId, string flags);
}
