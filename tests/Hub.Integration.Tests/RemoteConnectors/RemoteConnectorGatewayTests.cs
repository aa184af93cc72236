using System.Net;
using System.Text;

namespace Hub.Integration.Tests.RemoteConnectors;

/// <summary>
/// The hub is the one public endpoint of a connector written in another language: its webhooks pass the gateway to
/// the connector's replicas unchanged, and its touchpoints come back through the connector API.
/// </summary>
public sealed class RemoteConnectorGatewayTests(RemoteConnectorHub remote) : IClassFixture<RemoteConnectorHub>
{
    [Fact]
    public async Task Signed_webhooks_to_the_hub_reach_both_replicas_unchanged_and_their_touchpoints_land_on_the_timeline()
    {
        var ids = Enumerable.Range(0, 4).Select(i => $"gw-{i}").ToList();
        foreach (var id in ids)
        {
            using var response = await remote.Helpdesk.SendOnceAsync(HelpdeskSender.Event(id, $"{id}@example.com"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var expected = ids.Select(RemoteConnectorHub.SourceEventId).ToList();
        var timeline = await remote.TimelineWhenAsync(t => expected.All(t.Contains));
        Assert.All(expected, id => Assert.Single(timeline, id));
        // Round robin over two healthy replicas: each verified (so got body and signature intact) some of them.
        foreach (var replica in remote.Replicas)
        {
            var received = replica.Records("webhook");
            Assert.Contains(received, r => r.GetProperty("ids").EnumerateArray().Any(i => ids.Contains(i.GetString()!)));
            Assert.All(received, r =>
            {
                Assert.Equal(remote.Hub.Hub.BaseAddress.Authority, r.GetProperty("forwardedHost").GetString());
                Assert.Equal($"/webhooks/{RemoteConnectorHub.InstanceId}", r.GetProperty("path").GetString());
            });
        }
    }

    [Fact]
    public async Task A_forged_webhook_is_refused_by_the_connector_through_the_gateway_and_nothing_of_it_lands()
    {
        using (var forged = await remote.Helpdesk.SendOnceAsync(HelpdeskSender.Event("forged-1", "forged@example.com"), signatureSecret: "not-the-secret"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        }
        using (var genuine = await remote.Helpdesk.SendOnceAsync(HelpdeskSender.Event("genuine-1", "genuine@example.com")))
        {
            Assert.Equal(HttpStatusCode.OK, genuine.StatusCode);
        }

        var timeline = await remote.TimelineWhenAsync(t => t.Contains(RemoteConnectorHub.SourceEventId("genuine-1")));
        Assert.Contains(RemoteConnectorHub.SourceEventId("genuine-1"), timeline);
        Assert.DoesNotContain(RemoteConnectorHub.SourceEventId("forged-1"), timeline);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_webhook_body_over_the_ingress_limit_is_answered_413_by_the_gateway_not_forwarded(bool chunked)
    {
        var id = $"too-large-{chunked}";
        var body = HelpdeskSender.Event(id, "large@example.com", subject: new string('x', 300 * 1024));

        using var response = await remote.Helpdesk.SendOnceAsync(body, chunked: chunked);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadAsStringAsync();
        Assert.True(problem.Contains("Hub:Ingress:MaxBodyBytes", StringComparison.Ordinal), problem);
        using (var small = await remote.Helpdesk.SendOnceAsync(HelpdeskSender.Event($"{id}-then-small", "small@example.com"), chunked: chunked))
        {
            Assert.Equal(HttpStatusCode.OK, small.StatusCode);
        }
        Assert.All(remote.Replicas.SelectMany(r => r.Records("webhook")),
            r => Assert.DoesNotContain(id, r.GetProperty("ids").EnumerateArray().Select(i => i.GetString())));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer not-the-token-of-any-remote-instance")]
    [InlineData("Basic aGVscGRlc2s6c2VjcmV0")]
    public async Task The_connector_api_refuses_a_missing_or_unknown_token(string? authorization)
    {
        using var request = Batch(Event("token-1", "token@example.com"));
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }
        using var response = await remote.Anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_connector_api_takes_only_cloudevents_batches()
    {
        using var request = Batch(Event("type-1", "type@example.com"), contentType: "application/json");
        request.Headers.Authorization = new("Bearer", RemoteConnectorHub.Token);
        using var response = await remote.Anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task A_batch_with_one_bad_event_is_refused_whole_with_a_problem_that_names_it()
    {
        var bad = """{"specversion":"1.0","id":"half-2","source":"urn:example:helpdesk","type":"io.hub.touchpoint","data":{"channel":"carrier-pigeon","type":"ticket.opened","identities":[{"type":"email","value":"half@example.com"}]}}""";
        using var request = Batch(Event("half-1", "half@example.com"), bad);
        request.Headers.Authorization = new("Bearer", RemoteConnectorHub.Token);
        using var response = await remote.Anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("event [1]", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // A later good batch lands; the good half of the refused one never does.
        using var sentinel = Batch(Event("half-sentinel", "half@example.com"));
        sentinel.Headers.Authorization = new("Bearer", RemoteConnectorHub.Token);
        using (var accepted = await remote.Anonymous.SendAsync(sentinel))
        {
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }
        var timeline = await remote.TimelineWhenAsync(t => t.Contains(RemoteConnectorHub.SourceEventId("half-sentinel")));
        Assert.Contains(RemoteConnectorHub.SourceEventId("half-sentinel"), timeline);
        Assert.DoesNotContain(RemoteConnectorHub.SourceEventId("half-1"), timeline);
    }

    [Theory]
    [InlineData("{not json", "not valid JSON")]
    [InlineData("""{"specversion":"1.0"}""", "a JSON array of events")]
    [InlineData("[]", "1 to 500 events")]
    [InlineData("""[{"specversion":"1.0","source":"urn:x","type":"io.hub.touchpoint","data":{}}]""", "event [0] is not a valid CloudEvent")]
    [InlineData("""[{"specversion":"1.0","id":"1","source":"urn:x","type":"com.example.other","data":{}}]""", "'type' must be")]
    [InlineData("""[{"specversion":"1.0","id":"1","source":"urn:x","type":"io.hub.touchpoint","data_base64":"e30="}]""", "'data' must be a JSON object")]
    [InlineData("""[{"specversion":"1.0","id":"1","source":"urn:x","type":"io.hub.touchpoint","data":{"channel":"web","identities":[{"type":"email","value":"a@b.c"}]}}]""", "'data.type'")]
    [InlineData("""[{"specversion":"1.0","id":"1","source":"urn:x","type":"io.hub.touchpoint","data":{"channel":"web","type":"t","identities":[]}}]""", "'data.identities' needs at least one entry")]
    [InlineData("""[{"specversion":"1.0","id":"1","source":"urn:x","type":"io.hub.touchpoint","data":{"channel":"web","type":"t","direction":"sideways","identities":[{"type":"email","value":"a@b.c"}]}}]""", "'data.direction'")]
    public async Task A_bad_batch_gets_a_problem_saying_what_is_wrong(string body, string expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("connector-api/v1/touchpoints", UriKind.Relative))
        {
            Content = new StringContent(body, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new("application/cloudevents-batch+json");
        request.Headers.Authorization = new("Bearer", RemoteConnectorHub.Token);
        using var response = await remote.Anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_sent_twice_lands_once()
    {
        for (var i = 0; i < 2; i++)
        {
            using var request = Batch(Event("twice-1", "twice@example.com"), Event("twice-2", "twice@example.com"));
            request.Headers.Authorization = new("Bearer", RemoteConnectorHub.Token);
            using var response = await remote.Anonymous.SendAsync(request);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }
        using (var sentinel = Batch(Event("twice-sentinel", "twice@example.com")))
        {
            sentinel.Headers.Authorization = new("Bearer", RemoteConnectorHub.Token);
            using var response = await remote.Anonymous.SendAsync(sentinel);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var timeline = await remote.TimelineWhenAsync(t => t.Contains(RemoteConnectorHub.SourceEventId("twice-sentinel")));
        Assert.Single(timeline, RemoteConnectorHub.SourceEventId("twice-1"));
        Assert.Single(timeline, RemoteConnectorHub.SourceEventId("twice-2"));
    }

    private static string Event(string id, string email) =>
        $$$"""{"specversion":"1.0","id":"{{{id}}}","source":"{{{RemoteConnectorHub.EventSource}}}","type":"io.hub.touchpoint","time":"2026-03-01T10:00:00Z","data":{"channel":"web","type":"helpdesk.ticket.opened","direction":"inbound","identities":[{"type":"email","value":"{{{email}}}"}],"summary":"Ticket"}}""";

    private static HttpRequestMessage Batch(string firstEvent, string? secondEvent = null, string contentType = "application/cloudevents-batch+json")
    {
        var body = secondEvent is null ? $"[{firstEvent}]" : $"[{firstEvent},{secondEvent}]";
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri("connector-api/v1/touchpoints", UriKind.Relative))
        {
            Content = new StringContent(body, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new(contentType);
        return request;
    }
}
