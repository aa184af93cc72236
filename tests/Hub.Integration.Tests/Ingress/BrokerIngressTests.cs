using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Integration.Tests.Hosting;
using Hub.Testing.Servers;

namespace Hub.Integration.Tests.Ingress;

/// <summary>The walking skeleton on the real broker and database: signed webhooks in, customers and timelines out.</summary>
public sealed class BrokerIngressTests(ProductionHub fixture) : IClassFixture<ProductionHub>
{
    private const int Webhooks = 1_000;
    private const int People = 100;

    [Fact]
    public async Task Thousand_signed_webhooks_make_a_thousand_timeline_entries_and_resending_them_changes_nothing()
    {
        var baseline = await fixture.CountAsync("timeline");
        await SendAllAsync();
        Assert.Equal(baseline + Webhooks, await fixture.WaitForCountAsync("timeline", baseline + Webhooks));
        var customers = await fixture.CountAsync("customers");
        var identifiers = await fixture.CountAsync("customer_identifiers");
        var outbox = await fixture.CountAsync("outbox");

        using var found = await fixture.Hub.Client.GetAsync(new Uri("api/customers?email=person7@example.com", UriKind.Relative));
        var matches = await found.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, matches.GetArrayLength());
        var customerId = matches[0].GetProperty("id").GetString();
        var timeline = await fixture.Hub.Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers/{customerId}/timeline?limit=500", UriKind.Relative));
        Assert.Equal(Webhooks / People, timeline.GetProperty("items").GetArrayLength());

        await SendAllAsync();
        await Task.Delay(TimeSpan.FromSeconds(3)); // what a second delivery would change, it would change by now
        Assert.Equal(baseline + Webhooks, await fixture.CountAsync("timeline"));
        Assert.Equal(customers, await fixture.CountAsync("customers"));
        Assert.Equal(identifiers, await fixture.CountAsync("customer_identifiers"));
        Assert.Equal(outbox, await fixture.CountAsync("outbox"));
        Assert.Equal(People, customers);
    }

    [Fact]
    public async Task Forged_stale_and_malformed_webhooks_are_refused_and_store_nothing()
    {
        var before = await fixture.CountAsync("timeline");
        var body = SignedWebhookSender.Identify(5_000, 1);

        var forged = new SignedWebhookSender(fixture.Hub.Client, ProductionHub.InstanceId, "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD");
        using (var response = await forged.SendAsync(body))
        {
            await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "signature");
        }
        using (var response = await fixture.Sender.SendAsync(body, timestamp: DateTimeOffset.UtcNow.AddMinutes(-10)))
        {
            await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "old");
        }
        using (var unsigned = fixture.Sender.Unsigned(body))
        using (var response = await fixture.Hub.Client.SendAsync(unsigned))
        {
            await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "webhook-signature");
        }
        using (var response = await fixture.Sender.SendAsync("{\"type\":\"identify\",\"messageId\":\"x\","))
        {
            await AssertProblemAsync(response, HttpStatusCode.BadRequest, "not valid JSON");
        }
        using (var response = await fixture.Sender.SendAsync("""{"batch":[{"type":"identify","messageId":"ok-1","userId":"a"},{"type":"track","messageId":"bad-2","userId":"a"}]}"""))
        {
            await AssertProblemAsync(response, HttpStatusCode.BadRequest, "batch[1]");
        }

        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(before, await fixture.CountAsync("timeline"));
    }

    [Fact]
    public async Task A_webhook_for_an_unknown_connector_instance_gets_404()
    {
        var sender = new SignedWebhookSender(fixture.Hub.Client, "nobody", SignedWebhookSender.ExampleSecret);
        using var response = await sender.SendAsync(SignedWebhookSender.Identify(1, 1));
        await AssertProblemAsync(response, HttpStatusCode.NotFound, "nobody");
    }

    private async Task SendAllAsync()
    {
        var sender = fixture.Sender;
        await Parallel.ForEachAsync(Enumerable.Range(0, Webhooks), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (n, _) =>
        {
            using var response = await sender.SendAsync(SignedWebhookSender.Identify(n, People));
            // The body says why, should the hub ever refuse one (a 503 was seen once on a loaded machine).
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        });
    }

    internal static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detailMentions)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(detailMentions, problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }
}
