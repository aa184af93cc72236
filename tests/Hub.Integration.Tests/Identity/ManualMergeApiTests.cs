using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Integration.Tests.Api;
using Hub.Integration.Tests.Hosting;
using Hub.Testing.Servers;

namespace Hub.Integration.Tests.Identity;

/// <summary>
/// An admin merges two customers no rule joined (<c>POST /api/customers/{id}/merge</c>): the older survives as in an
/// automatic merge, the merge holds through later replays of the identity graph, lifts the admin's own split, and merge
/// protection still refuses two CRM records.
/// </summary>
public abstract class ManualMergeApiTests
{
    protected abstract HubProcess Hub { get; }

    protected abstract SignedWebhookSender Sender { get; }

    private HttpClient Client => Hub.Client;

    protected abstract Task<long> CountAsync(string table);

    [Fact]
    public async Task A_merge_by_hand_keeps_the_older_customer_moves_the_timeline_and_is_in_the_history_with_the_api_key_as_actor()
    {
        var older = await IdentifyAsync("h-1", """{"email":"hana@hand.example","name":"Hana"}""");
        var younger = await IdentifyAsync("h-2", """{"phone":"+1 201 555 0161","name":"Hana K"}""", byPhone: "+12015550161");
        var auditBefore = await CountAsync("audit_entries");

        // The younger id in the path: the older one survives all the same.
        var (status, body) = await MergeAsync(younger, older);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(older, body.GetProperty("survivorId").GetGuid());
        Assert.Equal(younger, body.GetProperty("mergedId").GetGuid());
        Assert.Equal([older], await FindAsync("phone=%2B12015550161"));
        Assert.Equal($"/api/customers/{older}", await RedirectOfAsync($"api/customers/{younger}"));
        Assert.Equal(["h-1", "h-2"], (await TimelineAsync(older)).Order());
        var customer = await Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers/{older}", UriKind.Relative));
        Assert.Equal("Hana K", customer.GetProperty("fields").GetProperty("name").GetProperty("value").GetString());
        var merge = Assert.Single((await HistoryAsync(older)).EnumerateArray());
        Assert.Equal("merge", merge.GetProperty("kind").GetString());
        Assert.Equal(younger, merge.GetProperty("mergedId").GetGuid());
        Assert.Equal("tests", merge.GetProperty("actor").GetString());
        Assert.Equal(auditBefore + 1, await CountAsync("audit_entries"));
    }

    [Fact]
    public async Task A_merge_by_hand_holds_when_the_split_of_another_merge_replays_the_identity_graph()
    {
        var ivo = await IdentifyAsync("i-1", """{"email":"ivo@replay.example","name":"Ivo"}""");
        var phone = await IdentifyAsync("i-2", """{"phone":"+1 201 555 0162"}""", byPhone: "+12015550162");
        var work = await IdentifyAsync("i-3", """{"email":"ivo.work@replay.example"}""");
        Assert.Equal(HttpStatusCode.OK, (await MergeAsync(ivo, phone)).Status);
        await TouchpointAsync("i-5", "ivo@replay.example", "ivo.work@replay.example");
        await Eventually.ValueAsync(async () => (await FindAsync("email=ivo.work@replay.example")) is [var only] && only == ivo ? true : (bool?)null);

        // The split replays every identifier of Ivo's from the stored links, in canonical order: only the admin's link
        // joins the phone to the e-mail there.
        using (var split = await Client.PostAsJsonAsync(new Uri($"api/customers/{ivo}/split", UriKind.Relative), new { mergedCustomerId = work }))
        {
            Assert.Equal(HttpStatusCode.OK, split.StatusCode);
        }

        Assert.Equal([work], await FindAsync("email=ivo.work@replay.example"));
        Assert.Equal([ivo], await FindAsync("phone=%2B12015550162"));
        Assert.Equal($"/api/customers/{ivo}", await RedirectOfAsync($"api/customers/{phone}"));
        Assert.Equal(["https://helpdesk.example.com i-5", "i-1", "i-2"], (await TimelineAsync(ivo)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Merging_a_pair_an_admin_split_lifts_the_split_and_a_second_split_separates_them_again()
    {
        var jo = await IdentifyAsync("j-1", """{"email":"jo@resplit.example","name":"Jo"}""");
        var other = await IdentifyAsync("j-2", """{"phone":"+1 201 555 0163"}""", byPhone: "+12015550163");
        await IdentifyAsync("j-3", """{"email":"jo@resplit.example","phone":"+12015550163"}""");
        await Eventually.ValueAsync(async () => (await FindAsync("phone=%2B12015550163")) is [var only] && only == jo ? jo : (Guid?)null);
        using (var split = await Client.PostAsJsonAsync(new Uri($"api/customers/{jo}/split", UriKind.Relative), new { mergedCustomerId = other }))
        {
            Assert.Equal(HttpStatusCode.OK, split.StatusCode);
        }
        Assert.Equal([other], await FindAsync("phone=%2B12015550163"));

        var (status, body) = await MergeAsync(other, jo);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(jo, body.GetProperty("survivorId").GetGuid());
        Assert.Equal([jo], await FindAsync("phone=%2B12015550163"));
        // The split is lifted: the same pair together again is no conflict, and they stay one.
        await SendAsync("""{"type":"identify","messageId":"j-4","anonymousId":"anon","traits":{"email":"jo@resplit.example","phone":"+12015550163"},"timestamp":"2026-03-01T10:00:04Z"}""");
        await Eventually.ValueAsync(async () => (await TimelineAsync(jo)).Contains("j-4") ? true : (bool?)null);
        Assert.Equal([jo], await FindAsync("phone=%2B12015550163"));
        Assert.Empty(await ConflictsOfAsync(jo));
        Assert.Equal(["merge", "split", "merge"], (await HistoryAsync(jo)).EnumerateArray().Select(m => m.GetProperty("kind").GetString()));

        using (var again = await Client.PostAsJsonAsync(new Uri($"api/customers/{jo}/split", UriKind.Relative), new { mergedCustomerId = other }))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }
        Assert.Equal([other], await FindAsync("phone=%2B12015550163"));
        Assert.Equal([jo], await FindAsync("email=jo@resplit.example"));
    }

    [Fact]
    public async Task A_touchpoint_of_both_sides_older_than_all_their_history_does_not_undo_a_split_and_is_a_conflict()
    {
        var pia = await IdentifyAsync("o-1", """{"email":"pia@old-event.example","name":"Pia"}""");
        var other = await IdentifyAsync("o-2", """{"phone":"+1 201 555 0165"}""", byPhone: "+12015550165");
        await IdentifyAsync("o-3", """{"email":"pia@old-event.example","phone":"+12015550165"}""");
        await Eventually.ValueAsync(async () => (await FindAsync("phone=%2B12015550165")) is [var only] && only == pia ? pia : (Guid?)null);
        using (var split = await Client.PostAsJsonAsync(new Uri($"api/customers/{pia}/split", UriKind.Relative), new { mergedCustomerId = other }))
        {
            Assert.Equal(HttpStatusCode.OK, split.StatusCode);
        }

        // Before all their history: the replay in canonical order meets it while neither customer exists yet.
        await SendAsync("""{"type":"identify","messageId":"o-0","anonymousId":"anon","traits":{"email":"pia@old-event.example","phone":"+12015550165"},"timestamp":"2026-02-01T09:00:00Z"}""");
        var old = await Eventually.ValueAsync(async () =>
        {
            var timeline = await Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers/{pia}/timeline", UriKind.Relative));
            return timeline.GetProperty("items").EnumerateArray().Cast<JsonElement?>()
                .FirstOrDefault(i => i!.Value.GetProperty("sourceEventId").GetString() == "o-0")?.GetProperty("touchpointId").GetGuid();
        });

        Assert.Equal([other], await FindAsync("phone=%2B12015550165"));
        Assert.Equal([pia], await FindAsync("email=pia@old-event.example"));
        Assert.Equal(["merge", "split"], (await HistoryAsync(pia)).EnumerateArray().Select(m => m.GetProperty("kind").GetString()));
        var conflict = Assert.Single(await ConflictsOfAsync(pia), c => c.GetProperty("touchpointId").GetGuid() == old);
        Assert.Equal("an admin split these customers", conflict.GetProperty("reason").GetString());

        // Only an admin's merge by hand joins them, and the next split's replay meets the old touchpoint first again.
        Assert.Equal(HttpStatusCode.OK, (await MergeAsync(pia, other)).Status);
        Assert.Equal([pia], await FindAsync("phone=%2B12015550165"));
        using (var again = await Client.PostAsJsonAsync(new Uri($"api/customers/{pia}/split", UriKind.Relative), new { mergedCustomerId = other }))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }
        Assert.Equal([other], await FindAsync("phone=%2B12015550165"));
        Assert.Equal([pia], await FindAsync("email=pia@old-event.example"));
    }

    [Fact]
    public async Task Two_customers_holding_different_crm_ids_are_refused_with_a_409_naming_both_ids()
    {
        var first = await IdentifyAsync("k-1", """{"email":"kai.one@protect-hand.example"}""", userId: "crm-kai-1");
        var second = await IdentifyAsync("k-2", """{"email":"kai.two@protect-hand.example"}""", userId: "crm-kai-2");

        var (status, problem) = await MergeAsync(first, second);

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("crm1:user", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(["crm-kai-1", "crm-kai-2"], problem.GetProperty("conflictingIdentifiers").EnumerateArray().Select(i => i.GetProperty("value").GetString()));
        Assert.Equal([first], await FindAsync("email=kai.one@protect-hand.example"));
        Assert.Equal([second], await FindAsync("email=kai.two@protect-hand.example"));
    }

    [Fact]
    public async Task Unknown_self_already_merged_and_erased_customers_are_refused_and_a_merged_id_stands_for_its_survivor()
    {
        var lia = await IdentifyAsync("l-1", """{"email":"lia@refuse.example"}""");
        var phone = await IdentifyAsync("l-2", """{"phone":"+1 201 555 0164"}""", byPhone: "+12015550164");
        var third = await IdentifyAsync("l-3", """{"email":"lia.third@refuse.example"}""");
        var unknown = Guid.NewGuid();

        var (notFound, missing) = await MergeAsync(lia, unknown);
        Assert.Equal(HttpStatusCode.NotFound, notFound);
        Assert.Contains(unknown.ToString(), missing.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await MergeAsync(unknown, lia)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await MergeAsync(lia, lia)).Status);

        Assert.Equal(HttpStatusCode.OK, (await MergeAsync(lia, phone)).Status);
        var (already, oneCustomer) = await MergeAsync(phone, lia);
        Assert.Equal(HttpStatusCode.Conflict, already);
        Assert.Contains("one customer already", oneCustomer.GetProperty("detail").GetString(), StringComparison.Ordinal);
        // The merged id stands for its survivor.
        var (merged, body) = await MergeAsync(third, phone);
        Assert.Equal(HttpStatusCode.OK, merged);
        Assert.Equal(lia, body.GetProperty("survivorId").GetGuid());
        Assert.Equal(third, body.GetProperty("mergedId").GetGuid());

        var erased = await IdentifyAsync("l-4", """{"email":"lia.erased@refuse.example"}""");
        using (var erasure = await Client.PostAsync(new Uri($"api/customers/{erased}/erasure", UriKind.Relative), null))
        {
            Assert.True(erasure.IsSuccessStatusCode, $"erasure answered {erasure.StatusCode}");
        }
        var (refused, gone) = await MergeAsync(lia, erased);
        Assert.Equal(HttpStatusCode.Conflict, refused);
        Assert.Contains("erased", gone.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_merge_without_the_other_customer_is_a_400_problem()
    {
        var mo = await IdentifyAsync("n-1", """{"email":"mo@bad-merge.example"}""");
        using var response = await Client.PostAsJsonAsync(new Uri($"api/customers/{mo}/merge", UriKind.Relative), new { });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("otherCustomerId", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> MergeAsync(Guid id, Guid otherCustomerId)
    {
        using var response = await Client.PostAsJsonAsync(new Uri($"api/customers/{id}/merge", UriKind.Relative), new { otherCustomerId });
        if (!response.IsSuccessStatusCode)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private async Task<List<string?>> TimelineAsync(Guid id)
    {
        var timeline = await Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers/{id}/timeline", UriKind.Relative));
        return [.. timeline.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("sourceEventId").GetString())];
    }

    private async Task<List<JsonElement>> ConflictsOfAsync(Guid id)
    {
        var conflicts = await Client.GetFromJsonAsync<JsonElement>(new Uri("api/identity/conflicts?limit=500", UriKind.Relative));
        return [.. conflicts.GetProperty("items").EnumerateArray()
            .Where(c => c.GetProperty("customerId").GetString() == id.ToString() || c.GetProperty("otherCustomerId").GetString() == id.ToString())];
    }

    /// <summary>A CloudEvent naming two e-mail addresses: one person's.</summary>
    private async Task TouchpointAsync(string id, string email, string otherEmail)
    {
        using var response = await Sender.SendAsync(
            $$$"""
            {"specversion":"1.0","type":"io.hub.touchpoint","source":"https://helpdesk.example.com","id":"{{{id}}}","time":"2026-03-01T10:00:0{{{id[^1]}}}Z",
             "data":{"channel":"web","type":"ticket.opened","identities":[{"type":"email","value":"{{{email}}}"},{"type":"email","value":"{{{otherEmail}}}"}]}}
            """, contentType: "application/cloudevents+json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<JsonElement> HistoryAsync(Guid id) =>
        await Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers/{id}/merges", UriKind.Relative));

    private async Task<string?> RedirectOfAsync(string url)
    {
        using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Hub.BaseAddress };
        noRedirect.DefaultRequestHeaders.Authorization = Client.DefaultRequestHeaders.Authorization;
        using var moved = await noRedirect.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.MovedPermanently, moved.StatusCode);
        return moved.Headers.Location?.OriginalString;
    }

    private async Task SendAsync(string body)
    {
        using var response = await Sender.SendAsync(body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Sends an identify (its timestamp's second is the message id's last digit) and waits for its customer.</summary>
    private async Task<Guid> IdentifyAsync(string messageId, string traits, string? byPhone = null, string? userId = null)
    {
        var user = userId is null ? "" : $"\"userId\":\"{userId}\",";
        await SendAsync($$"""{"type":"identify","messageId":"{{messageId}}",{{user}}"anonymousId":"anon","traits":{{traits}},"timestamp":"2026-03-01T10:00:0{{messageId[^1]}}Z"}""");
        var query = byPhone is not null ? $"phone={Uri.EscapeDataString(byPhone)}"
            : $"email={JsonDocument.Parse(traits).RootElement.GetProperty("email").GetString()}";
        return await Eventually.ValueAsync(async () => (await FindAsync(query)) is [var id] ? id : (Guid?)null);
    }

    private async Task<List<Guid>> FindAsync(string query)
    {
        var found = await Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers?{query}", UriKind.Relative));
        return [.. found.EnumerateArray().Select(c => Guid.Parse(c.GetProperty("id").GetString()!))];
    }

}

/// <summary>On SQLite with the in-memory bus.</summary>
public sealed class EmbeddedManualMergeApiTests(EmbeddedHubFixture fixture) : ManualMergeApiTests, IClassFixture<EmbeddedHubFixture>
{
    protected override HubProcess Hub => fixture.Embedded.Hub;

    protected override SignedWebhookSender Sender => fixture.Embedded.Sender;

    protected override Task<long> CountAsync(string table) => fixture.Embedded.CountAsync(table);
}

/// <summary>On PostgreSQL (REPEATABLE READ) and RabbitMQ.</summary>
public sealed class ProductionManualMergeApiTests(ProductionHub fixture) : ManualMergeApiTests, IClassFixture<ProductionHub>
{
    protected override HubProcess Hub => fixture.Hub;

    protected override SignedWebhookSender Sender => fixture.Sender;

    protected override Task<long> CountAsync(string table) => fixture.CountAsync(table);
}
