using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;

namespace Hub.Connectors.Email.Imap;

/// <summary>Opens the instance's folder: connect with its TLS mode, sign in with a password or an OAuth2 token.</summary>
internal static class ImapSessions
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static async Task<(ImapClient Client, IMailFolder Folder)> OpenAsync(ImapOptions options, CancellationToken cancellationToken)
    {
        var client = new ImapClient { Timeout = (int)Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(options.Host, options.Port, options.Security, cancellationToken);
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
