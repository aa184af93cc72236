using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Hub.Contracts.Connectors;

namespace Hub.Connectors.Email.Imap;

/// <summary>
/// Opens the instance's folder: connect through the hub's guarded connections (an internal address not allowed is
/// refused with <see cref="OutboundAddressRefusedException"/>), with its TLS mode, sign in with a password or an OAuth2 token.
/// </summary>
internal static class ImapSessions
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static async Task<(ImapClient Client, IMailFolder Folder)> OpenAsync(ImapOptions options, IOutboundConnections connections, CancellationToken cancellationToken)
    {
        var client = new ImapClient { Timeout = (int)Timeout.TotalMilliseconds };
        try
        {
            await ConnectAsync(client, connections, options.Host, options.Port, options.Security, cancellationToken);
            if (options.OAuth2)
            {
                await client.AuthenticateAsync(new SaslMechanismOAuth2(options.User, options.Password), cancellationToken);
            }
            else
            {
                await client.AuthenticateAsync(options.User, options.Password, cancellationToken);
            }
            var folder = await client.GetFolderAsync(options.Folder, cancellationToken);
            await folder.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
            return (client, folder);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Connects <paramref name="client"/> over a socket the hub opened to the checked address; the host name still
    /// serves TLS (SNI, certificate check).
    /// </summary>
    public static async Task ConnectAsync(
        MailService client, IOutboundConnections connections, string host, int port, SecureSocketOptions security, CancellationToken cancellationToken)
    {
        var socket = await connections.ConnectAsync(host, port, cancellationToken);
        try
        {
            await client.ConnectAsync(socket, host, port, security, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static async Task CloseAsync(ImapClient client)
    {
        try
        {
            if (client.IsConnected)
            {
                await client.DisconnectAsync(quit: true, CancellationToken.None);
            }
        }
        catch (Exception e) when (e is IOException or ImapProtocolException or ImapCommandException or OperationCanceledException)
        {
            // The server went away first; nothing to say goodbye to.
        }
        finally
        {
            client.Dispose();
        }
    }
}
