using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hub.Integration.Tests.Hosting;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static Hub.Integration.Tests.Connectors.Salesforce.SalesforceHub;

namespace Hub.Integration.Tests.Connectors.Twitter;

/// <summary>X's Account Activity webhooks through a running hub: the CRC check, then a mention and a DM of one person.</summary>
public sealed class TwitterWebhookTests : IAsyncLifetime
{
    private const string InstanceId = "x1";
    private const string ConsumerSecret = "hub-test-consumer-secret";
    private const string Jane = "767416495109227733";
    private readonly WireMockServer _x = WireMockServer.Start();
    private EmbeddedHub _hub = null!;

    public async Task InitializeAsync() => _hub = await EmbeddedHub.StartAsync(new Dictionary<string, string>
    {
        [$"Hub:Connectors:{InstanceId}:Kind"] = "twitter",
        [$"Hub:Connectors:{InstanceId}:ConsumerSecret"] = ConsumerSecret,
        [$"Hub:Connectors:{InstanceId}:AccountUserId"] = "1102497772336161459",
        [$"Hub:Connectors:{InstanceId}:ConsumerKey"] = "xvz1evFS4wEEPTGEFPHBog",
        [$"Hub:Connectors:{InstanceId}:AccessToken"] = "1102497772336161459-token",
        [$"Hub:Connectors:{InstanceId}:AccessTokenSecret"] = "account-token-secret",
        [$"Hub:Connectors:{InstanceId}:ApiBaseUrl"] = _x.Url!,
        ["Hub:Outbound:AllowedNetworks:0"] = "127.0.0.1/32",
    });

    [Fact]
    public async Task A_reply_and_a_dm_sent_through_the_hub_go_to_x_and_their_echoes_do_not_duplicate_them()
    {
        _x.Given(WireMock.RequestBuilders.Request.Create().WithPath("/2/tweets").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody(Sample("v2-create-tweet-201.json")));
        _x.Given(WireMock.RequestBuilders.Request.Create().WithPath($"/2/dm_conversations/with/{Jane}/messages").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody(Sample("v2-dm-send-201.json")));
        await PostAsync(Sample("aaa-tweet-create-mention.json"));
        await EventuallyAsync(async () => (await _hub.TimelineTouchpointIdsAsync()).Count == 1, "the mention");
        var jane = await CustomerIdOfTwitterUserAsync();

        using (var reply = await _hub.Hub.Client.PostAsJsonAsync(new Uri($"api/customers/{jane}/messages", UriKind.Relative),
            new { connectorInstanceId = InstanceId, text = "@jane_example Sorry about the delay!", replyTo = "1932438400665694466" }))
        {
            Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        }
        using (var dm = await _hub.Hub.Client.PostAsJsonAsync(new Uri($"api/customers/{jane}/messages", UriKind.Relative),
            new { connectorInstanceId = InstanceId, text = "Order A1234 left our warehouse today." }))
        {
            Assert.Equal(HttpStatusCode.OK, dm.StatusCode);
        }
        Assert.Equal(["/2/tweets", $"/2/dm_conversations/with/{Jane}/messages"], _x.LogEntries.Select(e => e.RequestMessage!.Path));
        await EventuallyAsync(async () => (await _hub.TimelineTouchpointIdsAsync()).Count == 3, "the reply and the DM on the timeline");

        await PostAsync(Sample("aaa-tweet-reply-by-own-account.json"));
        await PostAsync(Sample("aaa-dm-sent-by-own-account.json"));
        using (var probe = await _hub.Sender.SendAsync("""{"type":"identify","messageId":"probe-2","userId":"p-2","traits":{"email":"probe2@example.com"}}"""))
        {
            Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        }
        await EventuallyAsync(async () => (await _hub.TimelineTouchpointIdsAsync()).Count >= 4, "the probe behind the echoes");

        Assert.Equal(4, (await _hub.TimelineTouchpointIdsAsync()).Count);
        var timeline = await _hub.Hub.Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers/{jane}/timeline", UriKind.Relative));
        Assert.Equal(["social.dm.sent", "social.mention", "social.reply.sent"], timeline.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("type").GetString()).Order());
    }

    [Fact]
    public async Task The_crc_get_is_answered_with_the_response_token_and_needs_no_api_key()
    {
        using var response = await _hub.Hub.Client.GetAsync(new Uri($"webhooks/{InstanceId}?crc_token=a%2Bb%2Fc%3Dd%3D%3D", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"response_token":"sha256=clDO0RVp9erhBPyKM7+0AiLr8cgTPlY9ncHkNdE2Mx4="}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_mention_and_a_dm_of_one_person_land_on_one_customer_who_merges_with_the_crm_contact_holding_the_user_id()
    {
        await PostAsync(Sample("aaa-tweet-create-mention.json"));
        await PostAsync(Sample("aaa-dm-received.json"));
        await EventuallyAsync(async () => (await _hub.TimelineTouchpointIdsAsync()).Count == 2, "the mention and the DM");
        var social = await CustomerIdOfTwitterUserAsync();
        var timeline = await _hub.Hub.Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers/{social}/timeline", UriKind.Relative));
        Assert.Equal(["social.dm.received", "social.mention"], timeline.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("type").GetString()).Order());

        using (var contact = await _hub.Sender.SendAsync("""{"type":"identify","messageId":"crm-jane","userId":"c-17","traits":{"email":"jane@example.org","name":"Jane Example"}}"""))
        {
            Assert.Equal(HttpStatusCode.OK, contact.StatusCode);
        }
        using (var linking = await _hub.Sender.SendAsync($$$"""
            {"specversion":"1.0","type":"io.hub.touchpoint","source":"https://crm.example.com","id":"contact-17-updated","time":"2025-06-11T09:00:00Z",
             "data":{"channel":"crm","type":"crm.contact.updated","identities":[{"type":"email","value":"jane@example.org"},{"type":"twitter","value":"{{{Jane}}}"}],
                     "summary":"X account added to the contact"}}
            """, contentType: "application/cloudevents+json"))
        {
            Assert.Equal(HttpStatusCode.OK, linking.StatusCode);
        }

        await EventuallyAsync(async () => await CustomerIdByEmailAsync() == social, "the CRM contact and the X user merged");
        using var merged = await _hub.Hub.Client.GetAsync(new Uri($"api/customers/{social}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
    }

    [Fact]
    public async Task A_deleted_post_stays_on_the_timeline_without_its_text_whichever_arrives_first()
    {
        await PostAsync(Sample("aaa-tweet-reply-by-own-account.json"));
        await EventuallyAsync(async () => (await _hub.TimelineTouchpointIdsAsync()).Count == 1, "the reply");
        await PostAsync(Deletion("1932439547107394051"));
        await PostAsync(Deletion("1932438400665694466"));
        await EventuallyAsync(async () => (await _hub.TimelineTouchpointIdsAsync()).Count == 3, "the two deletions");
        await PostAsync(Sample("aaa-tweet-create-mention.json"));
        await EventuallyAsync(async () => (await _hub.TimelineTouchpointIdsAsync()).Count == 4, "the mention deleted before it arrived");

        var jane = await CustomerIdOfTwitterUserAsync();
        var items = (await _hub.Hub.Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers/{jane}/timeline", UriKind.Relative)))
            .GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["social.mention", "social.reply.sent"], items.Select(i => i.GetProperty("type").GetString()).Order());
        Assert.All(items, i =>
        {
            Assert.True(i.GetProperty("withdrawn").GetBoolean());
            Assert.Equal(JsonValueKind.Null, i.GetProperty("summary").ValueKind);
            Assert.Equal(JsonValueKind.Null, i.GetProperty("contentReference").ValueKind);
        });
        Assert.Equal(0, await CountBodiesContainingAsync("my order A1234") + await CountBodiesContainingAsync("Sorry about the delay"));
    }

    [Fact]
    public async Task A_forged_event_is_refused_with_401_and_stores_nothing()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"webhooks/{InstanceId}", UriKind.Relative))
        {
            Content = new StringContent(Sample("aaa-dm-received.json"), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-twitter-webhooks-signature", Sign("some-other-secret", Sample("aaa-dm-received.json")));

        using var response = await _hub.Hub.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var probe = await _hub.Sender.SendAsync("""{"type":"identify","messageId":"probe-1","userId":"p-1","traits":{"email":"probe@example.com"}}""");
        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        await EventuallyAsync(async () => (await _hub.TimelineTouchpointIdsAsync()).Count == 1, "the probe behind it");
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        _x.Dispose();
    }

    private static string Sample(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "formats", "twitter", name));

    private static string Sign(string secret, string body) =>
        "sha256=" + Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));

    private async Task PostAsync(string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"webhooks/{InstanceId}", UriKind.Relative))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-twitter-webhooks-signature", Sign(ConsumerSecret, body));
        using var response = await _hub.Hub.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static string Deletion(string postId) =>
        $$$"""{"for_user_id":"1102497772336161459","tweet_delete_events":[{"status":{"id":"{{{postId}}}","user_id":"1102497772336161459"},"timestamp_ms":"1749565203250"}]}""";

    private async Task<long> CountBodiesContainingAsync(string text)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_hub.DatabasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "select count(*) from timeline where Body like $text or Summary like $text";
        command.Parameters.AddWithValue("$text", $"%{text}%");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<Guid?> CustomerIdByEmailAsync()
    {
        var found = await _hub.Hub.Client.GetFromJsonAsync<JsonElement>(new Uri("api/customers?email=jane%40example.org", UriKind.Relative));
        return found.GetArrayLength() == 1 ? found[0].GetProperty("id").GetGuid() : null;
    }

    private async Task<Guid> CustomerIdOfTwitterUserAsync()
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_hub.DatabasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"select CustomerId from customer_identifiers where Type = 'twitter' and Value = '{Jane}'";
        return Guid.Parse((string)(await command.ExecuteScalarAsync())!);
    }
}
