using System.Net;
using System.Text;
using Hub.Testing.Servers;

namespace Hub.Integration.Tests.RemoteConnectors;

/// <summary>
/// What a remote connector can and cannot do through the hub: it answers on the hub's origin but cannot act there, it
/// runs below its own base path for every call the hub makes, and the connector API takes only what it can keep.
/// </summary>
public sealed class RemoteConnectorBoundaryTests(FakeRemoteConnectorHub remote) : IClassFixture<FakeRemoteConnectorHub>
{
    private const string PagePath = $"{FakeRemoteConnectorHub.BasePath}/webhooks/{FakeRemoteConnectorHub.InstanceId}/page";

    [Fact]
    public async Task The_hubs_cookies_do_not_reach_the_connector_and_its_answer_cannot_act_on_the_hubs_origin()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"webhooks/{FakeRemoteConnectorHub.InstanceId}/page?x=1", UriKind.Relative));
        request.Headers.TryAddWithoutValidation("Cookie", "hub-admin=the-admins-session; other=1");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer the-sources-own-token");
        using var response = await remote.Anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(FakeRemoteConnectorHub.PageHtml, await response.Content.ReadAsStringAsync());
        Assert.False(response.Headers.Contains("Set-Cookie"), "The connector set a cookie on the hub's origin.");
        Assert.Equal(["sandbox"], response.Headers.GetValues("Content-Security-Policy"));
        Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));

        var forwarded = Assert.Single(await remote.RequestsToAsync(PagePath)).RequestMessage!;
        Assert.Equal("?x=1", new Uri(forwarded.Url).Query);
        Assert.False(forwarded.Headers!.ContainsKey("Cookie"), "The hub's cookies reached the connector.");
        Assert.Equal("Bearer the-sources-own-token", forwarded.Headers["Authorization"].ToString());
        // The hub runs at the root of its origin: there is no prefix to tell (docs/connectors/remote.md).
        Assert.False(forwarded.Headers.ContainsKey("X-Forwarded-Prefix"));
    }

    [Fact]
    public async Task Health_probes_and_customer_changes_go_below_the_replicas_base_path()
    {
        Assert.NotEmpty(await remote.RequestsToAsync($"{FakeRemoteConnectorHub.BasePath}/health"));

        using (var response = await remote.Hub.Sender.SendAsync(SignedWebhookSender.Identify(7, 1000)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var changes = await remote.RequestsToAsync($"{FakeRemoteConnectorHub.BasePath}/hub/sync");
        Assert.Contains(changes, c => c.RequestMessage!.Body!.Contains("person7@example.com", StringComparison.Ordinal));
        Assert.DoesNotContain(remote.Replica.LogEntries, e => e.RequestMessage?.Path is "/hub/sync" or "/health");
    }

    [Fact]
    public async Task A_batch_that_repeats_an_event_id_is_refused_whole_naming_the_id()
    {
        using (var response = await PostBatchAsync(Event("dup-1", "inbound"), Event("dup-2", "inbound"), Event("dup-1", "outbound")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadAsStringAsync();
            Assert.Contains("event [2]: 'id' repeats event [0]", problem, StringComparison.Ordinal);
            Assert.Contains("urn:example:rem dup-1", problem, StringComparison.Ordinal);
        }
        using (var sentinel = await PostBatchAsync(Event("dup-sentinel", "inbound")))
        {
            Assert.Equal(HttpStatusCode.Accepted, sentinel.StatusCode);
        }

        var timeline = await TimelineWhenAsync(t => t.Contains("urn:example:rem dup-sentinel"));
        Assert.Contains("urn:example:rem dup-sentinel", timeline);
        Assert.DoesNotContain("urn:example:rem dup-1", timeline);
        Assert.DoesNotContain("urn:example:rem dup-2", timeline);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("2")]
    [InlineData("Inbound")]
    [InlineData("inbound, outbound")]
    [InlineData("")]
    public async Task A_direction_other_than_the_documented_names_is_refused(string direction)
    {
        using var response = await PostBatchAsync(Event("direction-1", direction));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("event [0]: 'data.direction' must be inbound, outbound or none", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("inbound")]
    [InlineData("outbound")]
    [InlineData("none")]
    public async Task The_documented_directions_are_taken(string direction)
    {
        using var response = await PostBatchAsync(Event($"direction-{direction}", direction));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task Identities_the_hub_cannot_use_are_named_in_the_answer_and_the_touchpoint_is_taken_without_them()
    {
        const string events = """
            {"specversion":"1.0","id":"rejected-1","source":"urn:example:rem","type":"io.hub.touchpoint","data":{"channel":"web","type":"rem.page.viewed","direction":"inbound","identities":[{"type":"email","value":"not-an-address"},{"type":"phone","value":"12"}]}},
            {"specversion":"1.0","id":"rejected-2","source":"urn:example:rem","type":"io.hub.touchpoint","data":{"channel":"web","type":"rem.page.viewed","direction":"inbound","identities":[{"type":"email","value":"Rejected.Two@Example.com"}]}}
            """;
        using var response = await PostBatchAsync(events);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var answer = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(2, answer.RootElement.GetProperty("accepted").GetInt32());
        var rejected = answer.RootElement.GetProperty("rejectedIdentities").EnumerateArray().ToList();
        Assert.Equal(2, rejected.Count);
        Assert.All(rejected, r => Assert.Equal(0, r.GetProperty("event").GetInt32()));
        Assert.Equal(["email:not-an-address", "phone:12"], rejected.Select(r => $"{r.GetProperty("type").GetString()}:{r.GetProperty("value").GetString()}"));
        Assert.All(rejected, r => Assert.False(string.IsNullOrWhiteSpace(r.GetProperty("reason").GetString())));
    }

    [Theory]
    [InlineData("consent.sms", "no", "must be one of granted, denied, revoked, true or false (got 'no')")]
    [InlineData("consent.fax", "denied", "names no consent the hub keeps")]
    [InlineData("consent.email.newsletter", "denied", "names no consent the hub keeps")]
    public async Task A_consent_statement_the_hub_would_not_act_on_refuses_the_batch(string fact, string value, string reason)
    {
        var profile = new System.Text.Json.Nodes.JsonObject { [fact] = value }.ToJsonString();
        var consent = $$"""{"specversion":"1.0","id":"consent-{{fact}}","source":"urn:example:rem","type":"io.hub.touchpoint","data":{"channel":"web","type":"rem.preferences.changed","direction":"inbound","identities":[{"type":"email","value":"consent@example.com"}],"profile":{{profile}} } }""";

        using var response = await PostBatchAsync(Event("consent-good", "inbound"), consent);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadAsStringAsync();
        Assert.Contains($"event [1]: 'data.profile' fact '{fact}' {reason}", problem, StringComparison.Ordinal);
    }

    private static string Event(string id, string direction) =>
        $$$"""{"specversion":"1.0","id":"{{{id}}}","source":"urn:example:rem","type":"io.hub.touchpoint","data":{"channel":"web","type":"rem.page.viewed","direction":"{{{direction}}}","identities":[{"type":"email","value":"{{{id}}}@example.com"}]}}""";

    private async Task<HttpResponseMessage> PostBatchAsync(params string[] events)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("connector-api/v1/touchpoints", UriKind.Relative))
        {
            Content = new StringContent($"[{string.Join(',', events)}]", Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new("application/cloudevents-batch+json");
        request.Headers.Authorization = new("Bearer", FakeRemoteConnectorHub.Token);
        return await remote.Anonymous.SendAsync(request);
    }

    private async Task<List<string>> TimelineWhenAsync(Func<List<string>, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        List<string> ids;
        while (!done(ids = await remote.Hub.TimelineSourceEventIdsAsync(FakeRemoteConnectorHub.InstanceId)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        return ids;
    }
}
