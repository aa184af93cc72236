using System.Net.Sockets;
using Hub.Contracts.Connectors;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace Hub.Connectors.Email.Imap;

/// <summary>
/// "Test connection": signs in and opens the folder, and with an SMTP host also connects and signs in there (no mail
/// is sent). A refused login or a missing folder is bad settings; no answer is an unreachable server. The outcome is
/// the IMAP one unless that was fine, then the SMTP one; the detail names both.
/// </summary>
internal static class ImapConnectionTester
{
    private static readonly TimeSpan SmtpTimeout = TimeSpan.FromSeconds(30);

    public static async ValueTask<ConnectionTestResult> TestAsync(ImapOptions options, IOutboundConnections connections, CancellationToken cancellationToken)
    {
        var imap = await TestImapAsync(options, connections, cancellationToken);
        if (options.SmtpHost is not { } smtpHost)
        {
            return imap;
        }
        var smtp = await TestSmtpAsync(options, smtpHost, connections, cancellationToken);
        var outcome = imap.Outcome != ConnectionTestOutcome.Ok ? imap.Outcome : smtp.Outcome;
        return new(outcome, $"IMAP: {imap.Detail} SMTP: {smtp.Detail}");
    }

    private static async ValueTask<ConnectionTestResult> TestImapAsync(ImapOptions options, IOutboundConnections connections, CancellationToken cancellationToken)
    {
        try
        {
            var (client, folder) = await ImapSessions.OpenAsync(options, connections, cancellationToken);
            var count = folder.Count;
            await ImapSessions.CloseAsync(client);
            return new(ConnectionTestOutcome.Ok, $"Signed in to {options.Host} as '{options.User}'; {options.Folder} holds {count} messages.");
        }
        catch (OutboundAddressRefusedException e)
        {
            return new(ConnectionTestOutcome.Unreachable, $"{options.Host}:{options.Port} is not allowed: {e.Message}");
        }
        catch (AuthenticationException e)
        {
            return new(ConnectionTestOutcome.BadSettings, $"{options.Host} refused the login of '{options.User}': {e.Message}");
        }
        catch (FolderNotFoundException)
        {
            return new(ConnectionTestOutcome.BadSettings, $"{options.Host} has no folder '{options.Folder}' for '{options.User}'.");
        }
        catch (SslHandshakeException e)
        {
            return new(ConnectionTestOutcome.BadSettings, $"TLS with {options.Host}:{options.Port} failed; check '{ImapOptions.SecurityOption}' and the port: {e.Message}");
        }
        catch (Exception e) when (e is IOException or SocketException or TimeoutException or ImapProtocolException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new(ConnectionTestOutcome.Unreachable, $"{options.Host}:{options.Port} does not answer as an IMAP server: {e.Message}");
        }
    }

    private static async ValueTask<ConnectionTestResult> TestSmtpAsync(ImapOptions options, string host, IOutboundConnections connections, CancellationToken cancellationToken)
    {
        using var client = new SmtpClient { Timeout = (int)SmtpTimeout.TotalMilliseconds };
        try
        {
            await ImapSessions.ConnectAsync(client, connections, host, options.SmtpPort, options.SmtpSecurity, cancellationToken);
            var signedIn = client.Capabilities.HasFlag(SmtpCapabilities.Authentication) && client.AuthenticationMechanisms.Count > 0;
            if (signedIn)
            {
                await (options.OAuth2
                    ? client.AuthenticateAsync(new SaslMechanismOAuth2(options.User, options.Password), cancellationToken)
                    : client.AuthenticateAsync(options.User, options.Password, cancellationToken));
            }
            await client.DisconnectAsync(quit: true, cancellationToken);
            return new(ConnectionTestOutcome.Ok, signedIn
                ? $"Signed in to {host}:{options.SmtpPort} as '{options.User}'."
                : $"{host}:{options.SmtpPort} answers and asks for no login.");
        }
        catch (OutboundAddressRefusedException e)
        {
            return new(ConnectionTestOutcome.Unreachable, $"{host}:{options.SmtpPort} is not allowed: {e.Message}");
        }
        catch (AuthenticationException e)
        {
            return new(ConnectionTestOutcome.BadSettings, $"{host} refused the login of '{options.User}': {e.Message}");
        }
        catch (SslHandshakeException e)
        {
            return new(ConnectionTestOutcome.BadSettings, $"TLS with {host}:{options.SmtpPort} failed; check '{ImapOptions.SmtpSecurityOption}' and '{ImapOptions.SmtpPortOption}': {e.Message}");
        }
        catch (Exception e) when (e is IOException or SocketException or TimeoutException or SmtpProtocolException or SmtpCommandException
            or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new(ConnectionTestOutcome.Unreachable, $"{host}:{options.SmtpPort} does not answer as an SMTP server: {e.Message}");
        }
    }
}
