using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hub.Integration.Tests.Connectors.Salesforce;
using Hub.Integration.Tests.Connectors.Twilio;
using Hub.Testing.Servers;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Hub.Integration.Tests.Privacy;

/// <summary>
/// One embedded hub for the consent and erasure tests: a Salesforce org <c>sf1</c> (WireMock, with an SMS opt-out
/// field), the Segment source <c>crm1</c>, the signed webhook target <c>crm2</c> and a Twilio instance <c>tw1</c>
/// whose REST API is another WireMock, and an e-mail instance <c>mail1</c> reading <see cref="SupportMailbox"/> on a
/// real dovecot and sending through the real postfix beside it, which holds a mailbox for <see cref="MailedCustomer"/>.
/// Each test uses its own person.
/// </summary>
public sealed class PrivacyHub : IAsyncLifetime
{
    public const string SmsOptOutField = "SMS_Opt_Out__c";
    public const string MailInstance = "mail1";
    public const string SupportMailbox = "support@example.com";
    public const string MailedCustomer = "sam.stop@example.com";
    private const string TwilioInstance = "tw1";

    internal SalesforceHub Hub { get; private set; } = null!;

    public WireMockServer Twilio { get; } = WireMockServer.Start();

    public MailServer Mail { get; private set; } = null!;

    public HttpClient Client => Hub.Client;

    public async Task InitializeAsync()
    {
        Mail = await MailServer.StartAsync([SupportMailbox, MailedCustomer]);
        Hub = await SalesforceHub.StartAsync(extraSettings: new Dictionary<string, string>
        {
            [$"Hub:Connectors:{MailInstance}:Kind"] = "imap",
            [$"Hub:Connectors:{MailInstance}:Host"] = "127.0.0.1",
            [$"Hub:Connectors:{MailInstance}:Port"] = Mail.ImapPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [$"Hub:Connectors:{MailInstance}:Security"] = "none",
            [$"Hub:Connectors:{MailInstance}:User"] = SupportMailbox,
            [$"Hub:Connectors:{MailInstance}:Password"] = MailServer.Password,
            [$"Hub:Connectors:{MailInstance}:SmtpHost"] = "127.0.0.1",
            [$"Hub:Connectors:{MailInstance}:SmtpPort"] = Mail.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [$"Hub:Connectors:{MailInstance}:SmtpSecurity"] = "none",
            [$"Hub:Connectors:{MailInstance}:FromAddress"] = SupportMailbox,
            [$"Hub:Connectors:{SalesforceHub.SalesforceInstanceId}:SmsOptOutField"] = SmsOptOutField,
            [$"Hub:Connectors:{TwilioInstance}:Kind"] = "twilio",
            [$"Hub:Connectors:{TwilioInstance}:AccountSid"] = TwilioHub.AccountSid,
            [$"Hub:Connectors:{TwilioInstance}:AuthToken"] = TwilioHub.AuthToken,
            [$"Hub:Connectors:{TwilioInstance}:PublicBaseUrl"] = TwilioHub.PublicBaseUrl,
            [$"Hub:Connectors:{TwilioInstance}:DefaultRegion"] = "US",
            [$"Hub:Connectors:{TwilioInstance}:ApiBaseUrl"] = Twilio.Url!,
            [$"Hub:Connectors:{TwilioInstance}:FromNumber"] = "+12125550147",
            ["Hub:Erasure:PollInterval"] = "00:00:00.200",
            // Each delivery in the log: a failed test prints the hub's log (ConsentAndErasureTests).
            ["Logging:LogLevel:Hub.Infrastructure.Sync"] = "Information",
            ["Hub:Erasure:RetryDelay"] = "00:00:00.500",
            ["Hub:Erasure:MaxRetryDelay"] = "00:00:01",
        });
        Hub.Org.Server.Given(Request.Create().WithPath(SalesforceOrg.Api + "/sobjects/Contact/*").UsingDelete())
            .RespondWith(Response.Create().WithStatusCode(204));
    }

    /// <summary>A person known to the CRM (crm1): e-mail, phone and name; their customer id once resolved.</summary>
    public async Task<Guid> KnownPersonAsync(string messageId, string email, string phone, string name)
    {
        await Hub.SendSegmentAsync(Identify(messageId, email, phone, name));
        return await CustomerIdAsync($"email={Uri.EscapeDataString(email)}");
    }

    public static string Identify(string messageId, string email, string phone, string name) =>
        $$$"""{"type":"identify","messageId":"{{{messageId}}}","userId":"{{{messageId}}}-user","timestamp":"2026-11-20T10:00:00Z","traits":{"email":"{{{email}}}","phone":"{{{phone}}}","name":"{{{name}}}"}}""";

    public async Task<Guid> CustomerIdAsync(string query)
    {
        await SalesforceHub.EventuallyAsync(async () => (await Hub.FindAsync(query)).Count == 1, $"the customer with {query}");
        return Assert.Single(await Hub.FindAsync(query)).GetProperty("id").GetGuid();
    }

    /// <summary>Posts a form body the way Twilio does, signed for the public URL.</summary>
    public async Task PostTwilioAsync(string form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"webhooks/{TwilioInstance}", UriKind.Relative))
        {
            Content = new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Add("X-Twilio-Signature", TwilioHub.Sign(TwilioHub.AuthToken, $"{TwilioHub.PublicBaseUrl}/webhooks/{TwilioInstance}", form));
        using var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> SendJsonAsync(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }
        using var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public async Task<JsonElement> EventuallyOnTimelineAsync(Guid customerId, string type)
    {
        JsonElement found = default;
        await SalesforceHub.EventuallyAsync(async () =>
        {
            var timeline = await Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers/{customerId}/timeline", UriKind.Relative));
            found = timeline.GetProperty("items").EnumerateArray().FirstOrDefault(i => i.GetProperty("type").GetString() == type);
            return found.ValueKind == JsonValueKind.Object;
        }, $"a {type} touchpoint");
        return found;
    }

    /// <summary>The INBOX of a user on the real mail server, open for reading.</summary>
    public async Task<ImapClient> OpenInboxAsync(string user)
    {
        var imap = new ImapClient();
        await imap.ConnectAsync("127.0.0.1", Mail.ImapPort, SecureSocketOptions.None);
        await imap.AuthenticateAsync(user, MailServer.Password);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        return imap;
    }

    public async Task DisposeAsync()
    {
        if (Hub is not null)
        {
            await Hub.DisposeAsync();
        }
        if (Mail is not null)
        {
            await Mail.DisposeAsync();
        }
        Twilio.Dispose();
    }
}
