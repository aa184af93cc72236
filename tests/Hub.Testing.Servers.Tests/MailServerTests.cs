using System.Net.Sockets;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Hub.Testing.Servers.Tests;

public sealed class MailServerTests
{
    [Fact]
    public async Task Mail_sent_over_smtp_arrives_in_the_recipients_imap_inbox_and_disposing_stops_both()
    {
        var server = await MailServer.StartAsync(["support@example.com", "jane.doe@example.org"]);
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("support@example.com"));
        message.To.Add(MailboxAddress.Parse("jane.doe@example.org"));
        message.Subject = "Your replacement";
        message.MessageId = "fixture-1@example.com";
        message.Body = new TextPart("plain") { Text = "It is on its way." };

        using (var smtp = new SmtpClient())
        {
            await smtp.ConnectAsync("127.0.0.1", server.SmtpPort, SecureSocketOptions.None);
            await smtp.SendAsync(message);
            await smtp.DisconnectAsync(true);
        }

        using (var imap = new ImapClient())
        {
            await imap.ConnectAsync("127.0.0.1", server.ImapPort, SecureSocketOptions.None);
            await imap.AuthenticateAsync("jane.doe@example.org", MailServer.Password);
            await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
            for (var attempt = 0; attempt < 100 && imap.Inbox.Count == 0; attempt++)
            {
                await Task.Delay(100);
                await imap.NoOpAsync();
            }
            var received = await imap.Inbox.GetMessageAsync(0);
            Assert.Equal("fixture-1@example.com", received.MessageId);
            Assert.Equal("Your replacement", received.Subject);
        }

        await server.DisposeAsync();
        Assert.Equal(SocketError.ConnectionRefused, await LoopbackPort.ConnectAsync(server.ImapPort));
        Assert.Equal(SocketError.ConnectionRefused, await LoopbackPort.ConnectAsync(server.SmtpPort));
    }
}
