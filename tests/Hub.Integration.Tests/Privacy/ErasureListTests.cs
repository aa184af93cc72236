using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Integration.Tests.Hosting;
using Hub.Testing.Servers;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Hub.Integration.Tests.Privacy;

/// <summary>
/// <c>GET /api/erasures</c>: a privacy officer finds every erasure, a failed one among them, without the customer's id:
/// newest first, filtered by status, a page at a time.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class ErasureListTests
{
    [Fact]
    public async Task Erasures_are_listed_newest_first_by_status_and_a_page_at_a_time()
    {
        using var target = WireMockServer.Start();
        target.Given(Request.Create().UsingPost()).AtPriority(10).RespondWith(Response.Create().WithStatusCode(200));
        await using var embedded = await EmbeddedHub.StartAsync(new Dictionary<string, string>
        {
            ["Hub:Outbound:AllowedNetworks:0"] = "127.0.0.1/32",
            ["Hub:Connectors:crm2:Kind"] = "webhooks",
            ["Hub:Connectors:crm2:Secret"] = SignedWebhookSender.ExampleSecret,
            ["Hub:Connectors:crm2:TargetUrl"] = $"http://127.0.0.1:{target.Port}/hub-events",
            ["Hub:Erasure:PollInterval"] = "00:00:00.200",
        });
        var hub = embedded.Hub.Client;
        using (var sent = await embedded.Sender.SendAsync($"[{SignedWebhookSender.Identify(0, 2)},{SignedWebhookSender.Identify(1, 2)}]"))
        {
            Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        }
        var refused = await embedded.CustomerIdAsync("person0@example.com");
        var taken = await embedded.CustomerIdAsync("person1@example.com");
        target.Given(Request.Create().UsingPost().WithBody(new WildcardMatcher($"*customer.erased*{refused}*")))
            .AtPriority(1).RespondWith(Response.Create().WithStatusCode(400).WithBody("no such customer here"));

        await EraseAsync(hub, refused, "failed");
        await EraseAsync(hub, taken, "done");

        var all = await ListAsync(hub, "api/erasures");
        Assert.Equal([taken, refused], Customers(all));
        Assert.Equal(JsonValueKind.Null, all.GetProperty("nextCursor").ValueKind);
        var failed = Assert.Single(all.GetProperty("items").EnumerateArray(), e => e.GetProperty("customerId").GetGuid() == refused);
        Assert.Contains("no such customer here", failed.GetProperty("targets")[0].GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Equal([refused], Customers(await ListAsync(hub, "api/erasures?status=failed")));
        Assert.Equal([taken], Customers(await ListAsync(hub, "api/erasures?status=done")));
        Assert.Empty(Customers(await ListAsync(hub, "api/erasures?status=pending")));

        var first = await ListAsync(hub, "api/erasures?limit=1");
        Assert.Equal([taken], Customers(first));
        var second = await ListAsync(hub, $"api/erasures?limit=1&cursor={first.GetProperty("nextCursor").GetString()}");
        Assert.Equal([refused], Customers(second));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);

        foreach (var bad in new[] { "api/erasures?status=erased", "api/erasures?cursor=yesterday", "api/erasures?limit=0" })
        {
            using var response = await hub.GetAsync(new Uri(bad, UriKind.Relative));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    private static List<Guid> Customers(JsonElement page) =>
        [.. page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("customerId").GetGuid())];

    private static async Task<JsonElement> ListAsync(HttpClient hub, string path) =>
        await hub.GetFromJsonAsync<JsonElement>(new Uri(path, UriKind.Relative));

    private static async Task EraseAsync(HttpClient hub, Guid customerId, string expected)
    {
        using (var asked = await hub.PostAsync(new Uri($"api/customers/{customerId}/erasure", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.Accepted, asked.StatusCode);
        }
        JsonElement erasure;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            await Task.Delay(200);
            erasure = await hub.GetFromJsonAsync<JsonElement>(new Uri($"api/customers/{customerId}/erasure", UriKind.Relative));
        }
        while (erasure.GetProperty("status").GetString() != expected && DateTime.UtcNow < deadline);
        Assert.Equal(expected, erasure.GetProperty("status").GetString());
    }
}
