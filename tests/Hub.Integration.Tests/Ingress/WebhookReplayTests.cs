using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Hub.Integration.Tests.Hosting;
using Hub.Testing.Servers;

namespace Hub.Integration.Tests.Ingress;

/// <summary>
/// Replays of signed webhooks against two hub processes on one database: a binary-mode CloudEvent's <c>ce-</c> headers
/// are not signed, so its <c>webhook-id</c> is single-use across processes (a retry goes through, a variation does not);
/// and a 401 under Basic authentication challenges for it.
/// </summary>
public sealed class WebhookReplayTests(WebhookReplayTests.Fixture fixture) : IClassFixture<WebhookReplayTests.Fixture>
{
    private const string Source = "https://helpdesk.example.com";
    private const string Data = """{"channel":"web","type":"ticket.opened","identities":[{"type":"email","value":"replayed@example.org"}]}""";

    [Fact]
    public async Task A_captured_binary_mode_request_sent_again_with_other_ce_headers_is_refused_by_either_process_and_a_retry_is_not()
    {
        var hub = fixture.Hub;
        var signedAt = DateTimeOffset.UtcNow;
        const string WebhookId = "msg_replay_1";

        using (var first = await SendAsync(0, WebhookId, signedAt, "rp-1", "2026-03-14T09:26:53Z"))
        using (var retry = await SendAsync(1, WebhookId, signedAt, "rp-1", "2026-03-14T09:26:53Z"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        }
        foreach (var (process, id, time) in new[] { (1, "rp-2", "2026-03-14T09:26:53Z"), (0, "rp-3", "2026-03-14T09:26:53Z"), (1, "rp-1", "2020-01-01T00:00:00Z") })
        {
            using var replayed = await SendAsync(process, WebhookId, signedAt, id, time);
            Assert.Equal(HttpStatusCode.Unauthorized, replayed.StatusCode);
            Assert.Equal("application/problem+json", replayed.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(await replayed.Content.ReadAsStringAsync());
            Assert.Contains($"webhook-id '{WebhookId}' was already used with different CloudEvents attributes", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        using (var next = await SendAsync(0, "msg_replay_2", signedAt, "rp-next", "2026-03-14T09:30:00Z"))
        {
            Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        }

        // Once the later event is on the timeline, anything the refused ones had brought would be too.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        List<string> sources;
        while ((sources = await hub.TimelineSourceEventIdsAsync()).Count(s => s.StartsWith(Source, StringComparison.Ordinal)) < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }
        Assert.Equal([$"{Source} rp-1", $"{Source} rp-next"], sources.Where(s => s.StartsWith(Source, StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_401_of_an_inbound_parse_endpoint_challenges_for_Basic_credentials()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("webhooks/sendgrid1", UriKind.Relative))
        {
            Content = new StringContent("--xYzZY--\r\n", Encoding.UTF8),
        };
        request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=xYzZY");

        using var client = new HttpClient { BaseAddress = fixture.Hub.Hub.BaseAddress };
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Basic", challenge.Scheme);
        Assert.Contains("realm=", challenge.Parameter, StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> SendAsync(int process, string webhookId, DateTimeOffset signedAt, string ceId, string ceTime)
    {
        using var request = fixture.Hub.SenderTo(process).Unsigned(Data);
        var timestamp = signedAt.ToUnixTimeSeconds();
        request.Headers.Add("webhook-id", webhookId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", SignedWebhookSender.Signature(SignedWebhookSender.ExampleSecret, webhookId, timestamp, Encoding.UTF8.GetBytes(Data)));
        request.Headers.Add("ce-specversion", "1.0");
        request.Headers.Add("ce-type", "io.hub.touchpoint");
        request.Headers.Add("ce-source", Source);
        request.Headers.Add("ce-id", ceId);
        request.Headers.Add("ce-time", ceTime);
        return await fixture.Hub.Hubs[process].Client.SendAsync(request);
    }

    /// <summary>Two hub processes on one broker and one database, with the webhooks instance and a SendGrid inbound-parse one.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public ProductionHub Hub { get; private set; } = null!;

        public async Task InitializeAsync() => Hub = await ProductionHub.StartAsync(new Dictionary<string, string>
        {
            ["Hub:Connectors:sendgrid1:Kind"] = "sendgrid",
            ["Hub:Connectors:sendgrid1:User"] = "parse",
            ["Hub:Connectors:sendgrid1:Password"] = "parse-password-0123456789",
        }, processes: 2);

        public async Task DisposeAsync() => await Hub.DisposeAsync();
    }
}
