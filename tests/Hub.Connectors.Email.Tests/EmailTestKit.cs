using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hub.Contracts.Connectors;
using Hub.Contracts.Touchpoints;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Connectors.Email.Tests;

/// <summary>The connectors as the host gets them, provider requests as the providers send them, and the shared samples.</summary>
internal static class EmailTestKit
{
    public const string InstanceId = "mail1";
    public const string MailgunKey = "example-signing-key-0001";
    public const string BasicUser = "hub";
    public const string BasicPassword = "parse-password-0123456789";
    public const string HubUrl = "https://hub.example.com/webhooks/mail1";

    public static readonly DateTimeOffset Now = new(2025, 6, 10, 14, 30, 0, TimeSpan.Zero);

    /// <summary>The connector of <paramref name="kind"/> through the one public door, <c>AddEmailConnector()</c>.</summary>
    public static IConnector Connector(string kind, IOutboundConnections? connections = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(connections ?? new Conformance.DirectOutboundConnections());
        services.AddEmailConnector();
        return services.BuildServiceProvider().GetServices<IConnector>().Single(c => c.Descriptor.Kind == kind);
    }

    public static ConnectorSettings Settings(params (string Name, string? Value)[] values) =>
        new(values.Select(v => new KeyValuePair<string, string?>(v.Name, v.Value)));

    public static ConnectorInstance MailgunInstance() => new(InstanceId, "mailgun", Settings(("SigningKey", MailgunKey)));

    public static ConnectorInstance BasicInstance(string kind) =>
        new(InstanceId, kind, Settings(("User", BasicUser), ("Password", BasicPassword)));

    public static byte[] Sample(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "formats", "email", name));

    public static string SampleText(string name) => Encoding.UTF8.GetString(Sample(name));

    /// <summary>Mailgun's signature, written here independently of the connector.</summary>
    public static string MailgunSignature(string key, string timestamp, string token) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(timestamp + token)));

    /// <summary>The Mailgun sample form with its signature fields replaced.</summary>
    public static string MailgunForm(string? signature = null, string? token = null)
    {
        var fields = SampleText("mailgun-inbound.form").Trim().Split('&').ToList();
        string Replace(string field, string value) => $"{field}={Uri.EscapeDataString(value)}";
        for (var i = 0; i < fields.Count; i++)
        {
            if (signature is not null && fields[i].StartsWith("signature=", StringComparison.Ordinal))
            {
                fields[i] = Replace("signature", signature);
            }
            if (token is not null && fields[i].StartsWith("token=", StringComparison.Ordinal))
            {
                fields[i] = Replace("token", token);
            }
        }
        return string.Join('&', fields);
    }

    /// <summary>A Mailgun MIME route post (<c>body-mime</c>) of a raw message, signed with <paramref name="key"/>.</summary>
    public static string MailgunMimeForm(byte[] raw, string key = MailgunKey, string token = "c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0ab")
    {
        var timestamp = "1741950000";
        return string.Join('&',
            $"recipient={Uri.EscapeDataString("support@mg.example.com")}",
            $"body-mime={Uri.EscapeDataString(Encoding.UTF8.GetString(raw))}",
            $"timestamp={timestamp}", $"token={token}", $"signature={MailgunSignature(key, timestamp, token)}");
    }

    /// <summary>A <c>multipart/form-data</c> body with boundary <c>xYzZY</c>; a field with a file name is a file part with its content type.</summary>
    public static byte[] MultipartForm(IEnumerable<(string Name, string? FileName, string? ContentType, byte[] Value)> fields)
    {
        var body = new MemoryStream();
        void Write(string text) => body.Write(Encoding.UTF8.GetBytes(text));
        foreach (var (name, fileName, contentType, value) in fields)
        {
            Write($"--xYzZY\r\nContent-Disposition: form-data; name=\"{name}\"{(fileName is null ? "" : $"; filename=\"{fileName}\"")}\r\n");
            Write(contentType is null ? "\r\n" : $"Content-Type: {contentType}\r\n\r\n");
            body.Write(value);
            Write("\r\n");
        }
        Write("--xYzZY--\r\n");
        return body.ToArray();
    }

    /// <summary>Mailgun's signature fields for a post signed at <paramref name="timestamp"/>, as form fields.</summary>
    public static IEnumerable<(string Name, string? FileName, string? ContentType, byte[] Value)> MailgunSignatureFields(
        string timestamp = "1741950000", string token = "c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0ab") =>
    [
        ("timestamp", null, null, Encoding.UTF8.GetBytes(timestamp)),
        ("token", null, null, Encoding.UTF8.GetBytes(token)),
        ("signature", null, null, Encoding.UTF8.GetBytes(MailgunSignature(MailgunKey, timestamp, token))),
    ];

    /// <summary>A Mailgun <c>multipart/form-data</c> post, received a minute after it was signed.</summary>
    public static InboundWebhookRequest MailgunMultipartRequest(byte[] body) =>
        Request(body, "multipart/form-data; boundary=xYzZY") with { ReceivedAt = DateTimeOffset.FromUnixTimeSeconds(1741950000).AddMinutes(1) };

    public static InboundWebhookRequest Request(byte[] body, string contentType, string? authorization = null)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (authorization is not null)
        {
            headers["Authorization"] = authorization;
        }
        return new InboundWebhookRequest
        {
            Method = "POST",
            Url = new Uri(HubUrl),
            Headers = headers,
            ContentType = contentType,
            Body = body,
            ReceivedAt = Now,
        };
    }

    /// <summary>A Mailgun post received a minute after it was signed (the samples were signed in 2025).</summary>
    public static InboundWebhookRequest MailgunRequest(string form) =>
        Request(Encoding.UTF8.GetBytes(form), "application/x-www-form-urlencoded") with { ReceivedAt = MailgunSignedAt(form).AddMinutes(1) };

    /// <summary>The <c>timestamp</c> field of a Mailgun form.</summary>
    public static DateTimeOffset MailgunSignedAt(string form) =>
        DateTimeOffset.FromUnixTimeSeconds(long.Parse(
            form.Split('&').Single(p => p.StartsWith("timestamp=", StringComparison.Ordinal))["timestamp=".Length..],
            System.Globalization.CultureInfo.InvariantCulture));

    public static string Basic(string user = BasicUser, string password = BasicPassword) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    public static InboundWebhookRequest SendGridRequest(byte[]? body = null, string? authorization = null) =>
        Request(body ?? Sample("sendgrid-inbound.multipart"), "multipart/form-data; boundary=xYzZY", authorization ?? Basic());

    /// <summary>A SendGrid "Send Raw" post of <paramref name="raw"/>.</summary>
    public static byte[] SendGridRaw(byte[] raw)
    {
        var body = new MemoryStream();
        void Write(string text) => body.Write(Encoding.UTF8.GetBytes(text));
        Write("--xYzZY\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\n");
        body.Write(raw);
        Write("\r\n--xYzZY\r\nContent-Disposition: form-data; name=\"from\"\r\n\r\nsomeone\r\n--xYzZY--\r\n");
        return body.ToArray();
    }

    public static InboundWebhookRequest PostmarkRequest(byte[]? body = null, string? authorization = null) =>
        Request(body ?? Sample("postmark-inbound.json"), "application/json", authorization ?? Basic());

    /// <summary>A Postmark post with <c>RawEmail</c> (the server's "include raw content" setting).</summary>
    public static byte[] PostmarkRaw(byte[] raw) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        From = "someone@example.org",
        MessageID = Guid.NewGuid().ToString(),
        RawEmail = Encoding.UTF8.GetString(raw),
    });

    public static async Task<IReadOnlyList<TouchpointDraft>> AcceptedAsync(string kind, InboundWebhookRequest request, ConnectorInstance instance)
    {
        var result = await ((IInboundWebhookHandler)Connector(kind)).HandleAsync(request, instance, CancellationToken.None);
        Assert.True(result.Rejection is null, $"Rejected: {result.Rejection}");
        return result.Touchpoints;
    }

    /// <summary>A draft as text with sorted keys, so two drafts compare by content.</summary>
    public static string Canonical(TouchpointDraft draft) => string.Join('\n',
    [
        $"id={draft.SourceEventId}", $"channel={draft.Channel}", $"type={draft.Type}", $"direction={draft.Direction}",
        $"occurredAt={draft.OccurredAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)}",
        $"identities={string.Join(',', draft.Identities.Select(i => i.ToString()).Order(StringComparer.Ordinal))}",
        .. draft.ProfileFacts.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"fact.{f.Key}={f.Value}"),
        $"summary={draft.Summary}", $"content={draft.ContentReference}",
        .. draft.Details.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => $"detail.{d.Key}={d.Value}"),
    ]);
}
