using System.Text;
using System.Text.Json;
using Hub.Integration.Tests.Hosting;
using Hub.Testing.Servers;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.Data.Sqlite;
using MimeKit;

namespace Hub.Integration.Tests.Connectors.Email;

/// <summary>
/// One mail system (dovecot + postfix) and one embedded hub reading its support mailbox (<c>mail1</c>, batches of
/// <see cref="MailHub.BatchSize"/>) and taking the three providers' inbound-parse posts, shared by a test class.
/// </summary>
[CollectionDefinition(MailHub.Collection)]
public sealed class MailHubCollection : ICollectionFixture<MailHub>;

public sealed class MailHub : IAsyncLifetime
{
    public const string Collection = "mail system and hub";

    public const string Mailbox = "support@example.com";
    public const string Customer = "jane.doe@example.org";
    public const string MailgunKey = "example-signing-key-0001";
    public const string ParseUser = "hub";
    public const string ParsePassword = "parse-password-0123456789";
    public const int BatchSize = 2;

    /// <summary>A mailbox whose IMAP and SMTP servers are at 127.0.0.2, outside Hub:Outbound:AllowedNetworks.</summary>
    public const string GuardedInstance = "mailguarded";

    public MailServer Mail { get; private set; } = null!;

    public EmbeddedHub Hub { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Mail = await MailServer.StartAsync([Mailbox, Customer]);
        Hub = await EmbeddedHub.StartAsync(new Dictionary<string, string>
        {
            ["Hub:Connectors:mail1:Kind"] = "imap",
            ["Hub:Connectors:mail1:Host"] = "127.0.0.1",
            ["Hub:Connectors:mail1:Port"] = Mail.ImapPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Hub:Connectors:mail1:Security"] = "none",
            ["Hub:Connectors:mail1:User"] = Mailbox,
            ["Hub:Connectors:mail1:Password"] = MailServer.Password,
            ["Hub:Connectors:mail1:Folder"] = "INBOX",
            ["Hub:Connectors:mail1:SmtpHost"] = "127.0.0.1",
            ["Hub:Connectors:mail1:SmtpPort"] = Mail.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Hub:Connectors:mail1:SmtpSecurity"] = "none",
            ["Hub:Connectors:mail1:FromAddress"] = Mailbox,
            ["Hub:Connectors:mail1:IdleSeconds"] = "2",
            ["Hub:Connectors:mail1:BatchSize"] = BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Hub:Connectors:mailgun1:Kind"] = "mailgun",
            ["Hub:Connectors:mailgun1:SigningKey"] = MailgunKey,
            ["Hub:Connectors:sendgrid1:Kind"] = "sendgrid",
            ["Hub:Connectors:sendgrid1:User"] = ParseUser,
            ["Hub:Connectors:sendgrid1:Password"] = ParsePassword,
            ["Hub:Connectors:postmark1:Kind"] = "postmark",
            ["Hub:Connectors:postmark1:User"] = ParseUser,
            ["Hub:Connectors:postmark1:Password"] = ParsePassword,
            ["Hub:Polling:Lease"] = "00:00:05",
            // The mail system is on loopback, which the outbound guard refuses unless allowed; 127.0.0.2 stays refused.
            ["Hub:Outbound:AllowedNetworks:0"] = "127.0.0.1/32",
            [$"Hub:Connectors:{GuardedInstance}:Kind"] = "imap",
            [$"Hub:Connectors:{GuardedInstance}:Host"] = "127.0.0.2",
            [$"Hub:Connectors:{GuardedInstance}:Port"] = Mail.ImapPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [$"Hub:Connectors:{GuardedInstance}:Security"] = "none",
            [$"Hub:Connectors:{GuardedInstance}:User"] = Mailbox,
            [$"Hub:Connectors:{GuardedInstance}:Password"] = MailServer.Password,
            [$"Hub:Connectors:{GuardedInstance}:SmtpHost"] = "127.0.0.2",
            [$"Hub:Connectors:{GuardedInstance}:SmtpPort"] = Mail.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [$"Hub:Connectors:{GuardedInstance}:SmtpSecurity"] = "none",
            [$"Hub:Connectors:{GuardedInstance}:FromAddress"] = Mailbox,
        });
    }

    public async Task DisposeAsync()
    {
        await Hub.DisposeAsync();
        await Mail.DisposeAsync();
    }

    /// <summary>Puts raw messages into a user's INBOX, in order, as a mail client or an MTA would.</summary>
    public async Task AppendAsync(params byte[][] messages) => await AppendToAsync(Mailbox, messages);

    public async Task AppendToAsync(string user, params byte[][] messages)
    {
        using var imap = await OpenAsync(user);
        // One command (IMAP MULTIAPPEND, RFC 3502): the messages arrive together, as a burst would, rather than one by
        // one while the hub already reads them.
        await imap.Inbox.AppendAsync([.. messages.Select(raw => (IAppendRequest)new AppendRequest(MimeMessage.Load(new MemoryStream(raw))))]);
        await imap.DisconnectAsync(true);
    }

    public async Task<ImapClient> OpenAsync(string user)
    {
        var imap = new ImapClient();
        await imap.ConnectAsync("127.0.0.1", Mail.ImapPort, SecureSocketOptions.None);
        await imap.AuthenticateAsync(user, MailServer.Password);
        await imap.Inbox.OpenAsync(FolderAccess.ReadWrite);
        return imap;
    }

    /// <summary>The touchpoints on the timeline, read from the hub's SQLite file.</summary>
    public async Task<List<StoredTouchpoint>> TimelineAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={Hub.DatabasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "select ConnectorInstanceId, SourceEventId, Type, CustomerId, Body from timeline";
        var rows = new List<StoredTouchpoint>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new StoredTouchpoint(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : Guid.Parse(reader.GetString(3)), JsonDocument.Parse(reader.GetString(4)).RootElement.Clone()));
        }
        return rows;
    }

    public async Task<StoredTouchpoint> OnTimelineAsync(string sourceEventId, string instance)
    {
        StoredTouchpoint? found = null;
        await Salesforce.SalesforceHub.EventuallyAsync(async () =>
        {
            found = (await TimelineAsync()).SingleOrDefault(t => t.ConnectorInstanceId == instance && t.SourceEventId == sourceEventId);
            return found is not null;
        }, $"{sourceEventId} from {instance} on the timeline");
        return found!;
    }

    /// <summary>Mailgun's signature: lower-case hex HMAC-SHA256 of timestamp + token under the signing key.</summary>
    public static string MailgunSignature(string key, string timestamp, string token) =>
        Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(timestamp + token)));

    public static byte[] Sample(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "formats", "email", name));

    /// <summary>
    /// A Mailgun form signed as Mailgun signs it now: the sample's own timestamp (2025) is far outside the connector's
    /// tolerance. A new token each time unless <paramref name="token"/> is given.
    /// </summary>
    public static string MailgunSignedNow(string form, string? token = null)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        token ??= Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(25));
        var signature = MailgunSignature(MailgunKey, timestamp, token);
        return string.Join('&', form.Trim().Split('&').Select(pair => pair.Split('=', 2)[0] switch
        {
            "timestamp" => $"timestamp={timestamp}",
            "token" => $"token={token}",
            "signature" => $"signature={signature}",
            _ => pair,
        }));
    }

    /// <summary>A small mail with its own Message-ID.</summary>
    public static byte[] Simple(string messageId, string subject, string from = "bob.roe@example.net", string? extraHeaders = null) => Encoding.UTF8.GetBytes(
        $"From: Bob Roe <{from}>\r\nTo: {Mailbox}\r\nMessage-ID: {messageId}\r\nDate: Mon, 17 Mar 2025 14:02:11 -0500\r\nSubject: {subject}\r\n{extraHeaders}Content-Type: text/plain; charset=utf-8\r\n\r\n{subject}: the body.\r\n");
}

/// <summary>One timeline row: who brought it, its id at the source, its type, its customer and the canonical touchpoint.</summary>
public sealed record StoredTouchpoint(string ConnectorInstanceId, string SourceEventId, string Type, Guid? CustomerId, JsonElement Body)
{
    public string? Detail(string name) =>
        Body.TryGetProperty("details", out var details) && details.TryGetProperty(name, out var value) ? value.GetString() : null;
}
