using System.Net.Sockets;
using Hub.Contracts.Connectors;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;

namespace Hub.Connectors.Email.Imap;

/// <summary>"Test connection": signs in and opens the folder. A refused login or a missing folder is bad settings; no answer is an unreachable server.</summary>
internal static class ImapConnectionTester
{
    public static async ValueTask<ConnectionTestResult> TestAsync(ImapOptions options, IOutboundConnections connections, CancellationToken cancellationToken)
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
}
