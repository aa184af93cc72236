using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hub.Integration.Tests.Hosting;
using Npgsql;

namespace Hub.Integration.Tests.Ingress;

/// <summary>
/// On PostgreSQL, whose columns have lengths: a value longer than the hub stores is refused with 400 before anything is
/// acknowledged, on the connector API and on the Segment/CloudEvents webhooks alike, and nothing of it is stored.
/// </summary>
public sealed class OverLongValueTests(OverLongValueTests.Fixture fixture) : IClassFixture<OverLongValueTests.Fixture>
{
    private const string RemoteId = "remote1";
    private const string Token = "remote1-connector-token-0123456789abcdef";

    [Fact]
    public async Task Over_long_identities_types_and_fact_names_are_refused_with_400_naming_the_field_and_nothing_is_stored()
    {
        var hub = fixture.Hub;
        var timeline = await hub.CountAsync("timeline");
        var identifiers = await hub.CountAsync("customer_identifiers");

        var longEmail = new string('a', 5_000) + "@example.org";
        await AssertRefusedAsync(
            await PostBatchAsync(Event("long-email", identities: $$"""[{"type":"email","value":"{{longEmail}}"}]""")),
            "'data.identities[0].value' is 5012 characters long; the hub stores at most 320.");
        await AssertRefusedAsync(
            await PostBatchAsync(Event("good-1"), Event("long-id", identities: $$"""[{"type":"helpdesk:user","value":"{{new string('7', 100_000)}}"}]""")),
            "event [1]: 'data.identities[0].value' is 100000 characters long; the hub stores at most 320.");
        await AssertRefusedAsync(
            await PostBatchAsync(Event("long-type", type: new string('t', 101))),
            "'data.type' is 101 characters long; the hub stores at most 100.");
        await AssertRefusedAsync(
            await PostBatchAsync(Event("long-identity-type", identities: $$"""[{"type":"helpdesk:{{new string('u', 100)}}","value":"42"}]""")),
            "'data.identities[0].type' is 109 characters long; the hub stores at most 100.");
        await AssertRefusedAsync(
            await hub.Sender.SendAsync($$$"""{"type":"identify","messageId":"seg-long-email","userId":"u-1","traits":{"email":"{{{longEmail}}}"}}"""),
            "is 5012 characters long; the hub stores at most 320.");
        await AssertRefusedAsync(
            await hub.Sender.SendAsync($$$"""{"type":"identify","messageId":"seg-long-trait","userId":"u-1","traits":{"{{{new string('x', 201)}}}":"gold"}}"""),
            "is 201 characters long; the hub stores at most 200.");

        // Once these two are on the timeline, anything of the refused requests would be too.
        using (var accepted = await TakenAsync(() => PostBatchAsync(Event("good-2"))))
        {
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }
        using (var accepted = await TakenAsync(() => hub.Sender.SendAsync("""{"type":"identify","messageId":"seg-good","userId":"u-2","traits":{"email":"ada@example.org"}}""")))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }
        Assert.Equal(timeline + 2, await hub.WaitForCountAsync("timeline", timeline + 2));
        Assert.Equal(0, await hub.CountAsync("ingress_buffer"));
        Assert.Equal(identifiers + 3, await hub.CountAsync("customer_identifiers")); // email ada@, helpdesk:user, crm1:user
        Assert.Equal(["crm1 seg-good", "remote1 urn:example:helpdesk good-2"], await TimelineSourcesAsync());
    }

    [Fact]
    public async Task An_address_sent_composed_and_decomposed_is_one_identifier_and_one_customer()
    {
        var hub = fixture.Hub;
        const string Address = "JOSÉ.Müller@Bücher.example";
        var customers = await hub.CountAsync("customers");
        var timeline = await hub.CountAsync("timeline");

        foreach (var (id, form) in new[] { ("nfc", NormalizationForm.FormC), ("nfd", NormalizationForm.FormD) })
        {
            using var response = await TakenAsync(() => hub.Sender.SendAsync(
                $$$"""{"type":"identify","messageId":"seg-{{{id}}}","traits":{"email":"{{{Address.Normalize(form)}}}"}}"""));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(timeline + 2, await hub.WaitForCountAsync("timeline", timeline + 2));
        Assert.Equal(customers + 1, await hub.CountAsync("customers"));
        using var found = await hub.Hub.Client.GetAsync(new Uri($"api/customers?email={Uri.EscapeDataString(Address.Normalize(NormalizationForm.FormD))}", UriKind.Relative));
        var matches = await found.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, matches.GetArrayLength());
    }

    private async Task<HttpResponseMessage> PostBatchAsync(params string[] events)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "connector-api/v1/touchpoints")
        {
            Content = new StringContent($"[{string.Join(',', events)}]", Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/cloudevents-batch+json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return await fixture.Hub.Hub.Client.SendAsync(request);
    }

    /// <summary>Sends again after a 503, as the hub asks a sender to (a loaded machine's broker can be slow to confirm).</summary>
    private static async Task<HttpResponseMessage> TakenAsync(Func<Task<HttpResponseMessage>> send)
    {
        var response = await send();
        for (var attempt = 1; response.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < 10; attempt++)
        {
            response.Dispose();
            await Task.Delay(TimeSpan.FromSeconds(1));
            response = await send();
        }
        return response;
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string detailMentions)
    {
        using (response)
        {
            await BrokerIngressTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, detailMentions);
        }
    }

    private static string Event(string id, string type = "helpdesk.ticket.opened", string identities = """[{"type":"helpdesk:user","value":"4711"}]""") =>
        $$$"""{"specversion":"1.0","id":"{{{id}}}","source":"urn:example:helpdesk","type":"io.hub.touchpoint","time":"2026-03-01T10:00:00Z","data":{"channel":"web","type":"{{{type}}}","direction":"inbound","identities":{{{identities}}},"summary":"Printer on fire"}}""";

    private async Task<List<string>> TimelineSourcesAsync()
    {
        await using var connection = new NpgsqlConnection(fixture.Hub.DatabaseConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """select "ConnectorInstanceId" || ' ' || "SourceEventId" from timeline where "SourceEventId" not like 'seg-n%' order by 1""", connection);
        var sources = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            sources.Add(reader.GetString(0));
        }
        return sources;
    }

    /// <summary>The hub in production mode with a <c>remote</c> instance beside the Segment/CloudEvents one.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public ProductionHub Hub { get; private set; } = null!;

        public async Task InitializeAsync() => Hub = await ProductionHub.StartAsync(new Dictionary<string, string>
        {
            [$"Hub:Connectors:{RemoteId}:Kind"] = "remote",
            [$"Hub:Connectors:{RemoteId}:Addresses"] = "http://127.0.0.1:9",
            [$"Hub:Connectors:{RemoteId}:Token"] = Token,
            [$"Hub:Connectors:{RemoteId}:SigningSecret"] = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
        });

        public async Task DisposeAsync() => await Hub.DisposeAsync();
    }
}
