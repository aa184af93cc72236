using System.Collections.Concurrent;
using System.Text;
using Hub.Integration.Tests.Connectors.Email;
using Hub.Integration.Tests.Connectors.Salesforce;
using Hub.Integration.Tests.Connectors.Twilio;
using Hub.Integration.Tests.Faults.BadInput;
using Hub.Integration.Tests.Hosting;
using Hub.Testing.Servers;
using Xunit.Abstractions;

namespace Hub.Integration.Tests.Faults;

/// <summary>
/// Thousands of bad requests, generated from a fixed seed out of real samples, to every kind of webhook endpoint of one
/// hub: each gets its 4xx as problem+json, the hub stays up, and nothing of them is stored.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class BadInputFuzzTests(ITestOutputHelper output)
{
    private const int Requests = 2_000;
    private const int MaxBodyBytes = 32_768;
    private const string PbxInstanceId = TwilioHub.PbxInstanceId;

    /// <summary>
    /// One from each valid request, two from the Outbound Message sample (it carries two notifications): webhooks,
    /// pbx, twilio, salesforce (2), the X direct message, the Mailgun, SendGrid and Postmark mails, the connector
    /// API batch of one event.
    /// </summary>
    private const int ValidTouchpoints = 10;

    private static readonly byte[][] CallRecords =
    [
        """{"callId":"1772529302.42","direction":"inbound","from":"+14155550123","to":"12125550147","startedAt":"2026-03-03T09:15:02Z","answeredAt":"2026-03-03T09:15:09Z","endedAt":"2026-03-03T09:18:11Z","talkSeconds":182,"outcome":"answered"}"""u8.ToArray(),
        """[{"callId":"1772529302.43","direction":"outbound","from":"2001","to":"(415) 555-0199","startedAt":"2026-03-03T10:00:00+01:00","outcome":"no-answer"}]"""u8.ToArray(),
    ];

    [Fact]
    public async Task Two_thousand_malformed_truncated_oversized_wrongly_encoded_and_forged_webhooks_each_get_their_4xx_and_store_nothing()
    {
        await using var hub = await EmbeddedHub.StartAsync(Settings());
        FuzzedEndpoint[] endpoints =
        [
            new StandardWebhooksEndpoint(EmbeddedHub.InstanceId, [.. new[] { "segment-identify.json", "segment-track.json", "segment-batch.json", "cloudevent-structured.json" }
                .Select(name => Encoding.UTF8.GetBytes(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "formats", "webhooks", name)).Trim()))]),
            new StandardWebhooksEndpoint(PbxInstanceId, CallRecords),
            new TwilioEndpoint(),
            new SalesforceEndpoint(),
            new TwitterEndpoint(),
            new MailgunEndpoint(),
            new SendGridEndpoint(),
            new PostmarkEndpoint(),
            new ConnectorApiEndpoint(),
        ];
        var random = new Random(20_261_202);
        var cases = Enumerable.Range(0, Requests).Select(i => endpoints[i % endpoints.Length].Next(random, MaxBodyBytes)).ToList();

        var wrong = new ConcurrentQueue<string>();
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (bad, _) =>
        {
            using var request = bad.ToRequest();
            using var response = await hub.Hub.Client.SendAsync(request);
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            var body = await response.Content.ReadAsStringAsync();
            if ((int)response.StatusCode != bad.ExpectedStatus || mediaType != "application/problem+json" || !SaysWhy(body))
            {
                wrong.Enqueue($"{bad}: expected {bad.ExpectedStatus} with a detail, got {(int)response.StatusCode} {mediaType} {body}");
            }
        });

        foreach (var group in cases.GroupBy(c => (c.InstanceId, c.Kind.Split(':')[0])).OrderBy(g => g.Key))
        {
            output.WriteLine($"{group.Key.InstanceId,-5} {group.Key.Item2,-28} {group.Count(),4}");
        }
        Assert.True(wrong.IsEmpty, $"{wrong.Count} of {Requests} answered otherwise:\n{string.Join('\n', wrong.Take(40))}\nthe hub's log:\n{hub.Hub.Output[^Math.Min(5_000, hub.Hub.Output.Length)..]}");
        Assert.Equal((0, 0), (await hub.CountAsync("timeline"), await hub.CountAsync("ingress_buffer")));

        // Still up and taking webhooks; once these are on the timeline, anything stored before them would be too.
        foreach (var endpoint in endpoints)
        {
            using var valid = endpoint.Valid();
            using var response = await hub.Hub.Client.SendAsync(valid);
            Assert.True((int)response.StatusCode == endpoint.ValidStatus, $"{endpoint.InstanceId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        await SalesforceHub.EventuallyAsync(async () => await hub.CountAsync("timeline") >= ValidTouchpoints, "the valid webhooks on the timeline");
        await SalesforceHub.EventuallyAsync(async () => await hub.CountAsync("ingress_buffer") == 0, "the ingress buffer drained");
        Assert.Equal(ValidTouchpoints, await hub.CountAsync("timeline"));
    }

    /// <summary>A problem whose <c>detail</c> tells the sender what to change.</summary>
    private static bool SaysWhy(string problem)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(problem);
            return document.RootElement.TryGetProperty("detail", out var detail) && detail.GetString() is { Length: > 0 };
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    private static Dictionary<string, string> Settings() => new()
    {
        ["Hub:Ingress:MaxBodyBytes"] = MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [$"Hub:Connectors:{PbxInstanceId}:Kind"] = "pbx",
        [$"Hub:Connectors:{PbxInstanceId}:Secret"] = SignedWebhookSender.ExampleSecret,
        [$"Hub:Connectors:{TwilioHub.InstanceId}:Kind"] = "twilio",
        [$"Hub:Connectors:{TwilioHub.InstanceId}:AccountSid"] = TwilioHub.AccountSid,
        [$"Hub:Connectors:{TwilioHub.InstanceId}:AuthToken"] = TwilioHub.AuthToken,
        [$"Hub:Connectors:{TwilioHub.InstanceId}:PublicBaseUrl"] = TwilioHub.PublicBaseUrl,
        [$"Hub:Connectors:{SalesforceHub.SalesforceInstanceId}:Kind"] = "salesforce",
        [$"Hub:Connectors:{SalesforceHub.SalesforceInstanceId}:OrganizationId"] = SalesforceOrg.OrgId,
        // Inbound only (no ClientId): the hub never calls this org.
        [$"Hub:Connectors:{SalesforceHub.SalesforceInstanceId}:InstanceUrl"] = "http://127.0.0.1:9",
        [$"Hub:Connectors:{SalesforceHub.SalesforceInstanceId}:EndpointSecret"] = SalesforceOrg.EndpointSecret,
        [$"Hub:Connectors:{TwitterEndpoint.Id}:Kind"] = "twitter",
        [$"Hub:Connectors:{TwitterEndpoint.Id}:ConsumerSecret"] = TwitterEndpoint.ConsumerSecret,
        [$"Hub:Connectors:{TwitterEndpoint.Id}:AccountUserId"] = TwitterEndpoint.AccountUserId,
        [$"Hub:Connectors:{MailgunEndpoint.Id}:Kind"] = "mailgun",
        [$"Hub:Connectors:{MailgunEndpoint.Id}:SigningKey"] = MailHub.MailgunKey,
        [$"Hub:Connectors:{SendGridEndpoint.Id}:Kind"] = "sendgrid",
        [$"Hub:Connectors:{SendGridEndpoint.Id}:User"] = MailHub.ParseUser,
        [$"Hub:Connectors:{SendGridEndpoint.Id}:Password"] = MailHub.ParsePassword,
        [$"Hub:Connectors:{PostmarkEndpoint.Id}:Kind"] = "postmark",
        [$"Hub:Connectors:{PostmarkEndpoint.Id}:User"] = MailHub.ParseUser,
        [$"Hub:Connectors:{PostmarkEndpoint.Id}:Password"] = MailHub.ParsePassword,
        [$"Hub:Connectors:{ConnectorApiEndpoint.Id}:Kind"] = "remote",
        // The gateway's replica: nothing listens there; only the connector API is fuzzed, not the forwarded webhooks.
        [$"Hub:Connectors:{ConnectorApiEndpoint.Id}:Addresses"] = "http://127.0.0.1:9",
        [$"Hub:Connectors:{ConnectorApiEndpoint.Id}:Token"] = ConnectorApiEndpoint.Token,
        [$"Hub:Connectors:{ConnectorApiEndpoint.Id}:SigningSecret"] = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
    };
}
