using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Integration.Tests.Api;
using Hub.Integration.Tests.Hosting;

namespace Hub.Integration.Tests.Identity;

/// <summary>Merges, merge protection, splits and duplicate suggestions, through the public API of a running hub.</summary>
public sealed class IdentityApiTests(EmbeddedHubFixture fixture) : IClassFixture<EmbeddedHubFixture>
{
    private HttpClient Client => fixture.Embedded.Hub.Client;

    [Fact]
    public async Task A_merged_id_answers_301_to_the_survivor_and_the_merge_is_in_the_history()
    {
        var ann = await IdentifyAsync("m-1", """{"email":"ann@merge.example","name":"Ann"}""");
        var phone = await IdentifyAsync("m-2", """{"phone":"+1 201 555 0141","name":"Ann B"}""", byPhone: "+12015550141");
        Assert.NotEqual(ann, phone);

        await IdentifyAsync("m-3", """{"email":"ann@merge.example","phone":"+12015550141"}""");
        var survivor = await Eventually.ValueAsync(async () =>
        {
            var found = await FindAsync("phone=%2B12015550141");
            return found.Count == 1 && found[0] == ann ? ann : (Guid?)null;
        });
        Assert.Equal(ann, survivor);

        using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = fixture.Embedded.Hub.BaseAddress };
        noRedirect.DefaultRequestHeaders.Authorization = Client.DefaultRequestHeaders.Authorization;
        using var moved = await noRedirect.GetAsync(new Uri($"api/customers/{phone}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.MovedPermanently, moved.StatusCode);
        Assert.Equal($"/api/customers/{ann}", moved.Headers.Location?.OriginalString);

        var merges = await Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers/{ann}/merges", UriKind.Relative));
        var merge = Assert.Single(merges.EnumerateArray());
        Assert.Equal("merge", merge.GetProperty("kind").GetString());
        Assert.Equal(phone.ToString(), merge.GetProperty("mergedId").GetString());
        // .NET's HttpClient drops the Authorization header on any redirect, so a client follows it itself.
        var merged = await Client.GetFromJsonAsync<JsonElement>(moved.Headers.Location);
        Assert.Equal(ann.ToString(), merged.GetProperty("id").GetString());
        // Both names survive the merge as observations; the most recent one (Ann B, a second later) wins.
        Assert.Equal("Ann B", merged.GetProperty("fields").GetProperty("name").GetProperty("value").GetString());
    }

    [Fact]
    public async Task A_split_round_trips_to_the_customers_as_they_were_before_the_merge()
    {
        var bea = await IdentifyAsync("s-1", """{"email":"bea@split.example","name":"Bea","title":"CFO"}""");
        var other = await IdentifyAsync("s-2", """{"phone":"+1 201 555 0142","name":"B. Other"}""", byPhone: "+12015550142");
        var before = new[] { await StateAsync(bea), await StateAsync(other) };

        await IdentifyAsync("s-3", """{"email":"bea@split.example","phone":"+12015550142"}""");
        await Eventually.ValueAsync(async () => (await FindAsync("phone=%2B12015550142")) is [var only] && only == bea ? bea : (Guid?)null);

        using var split = await Client.PostAsJsonAsync(new Uri($"api/customers/{bea}/split", UriKind.Relative), new { mergedCustomerId = other });
        Assert.Equal(HttpStatusCode.OK, split.StatusCode);
        var restored = (await split.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("restoredCustomerIds");
        Assert.Equal(other.ToString(), Assert.Single(restored.EnumerateArray()).GetString());

        var after = new[] { await StateAsync(bea, ignoring: "s-3"), await StateAsync(other, ignoring: "s-3") };
        Assert.Equal(before[0], after[0]);
        Assert.Equal(before[1], after[1]);
        var history = await Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers/{bea}/merges", UriKind.Relative));
        Assert.Equal(["merge", "split"], history.EnumerateArray().Select(m => m.GetProperty("kind").GetString()));
        Assert.Equal("tests", history[1].GetProperty("actor").GetString());
        Assert.Equal(1, await fixture.Embedded.CountAsync("audit_entries")); // customer.split, in the split's own transaction

        // The split holds: the same pair of identifiers together again does not merge them.
        await IdentifyAsync("s-4", """{"email":"bea@split.example","phone":"+12015550142"}""");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal([other], await FindAsync("phone=%2B12015550142"));
        Assert.Equal([bea], await FindAsync("email=bea@split.example"));
    }

    [Fact]
    public async Task Two_customers_with_different_crm_ids_are_not_merged_and_the_conflict_is_listed_for_review()
    {
        var first = await IdentifyAsync("p-1", """{"email":"shared@protect.example","name":"First"}""", userId: "crm-1");
        using (var response = await fixture.Embedded.Sender.SendAsync(
            """{"type":"identify","messageId":"p-2","userId":"crm-2","traits":{"email":"shared@protect.example","name":"Second"}}"""))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var conflict = await Eventually.ValueAsync(async () =>
        {
            var conflicts = await Client.GetFromJsonAsync<JsonElement>(new Uri("api/identity/conflicts", UriKind.Relative));
            return conflicts.GetProperty("items").EnumerateArray().Cast<JsonElement?>()
                .FirstOrDefault(c => c!.Value.GetProperty("customerId").GetString() == first.ToString() || c.Value.GetProperty("otherCustomerId").GetString() == first.ToString());
        });
        Assert.Contains("crm1:user", conflict.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal([first], await FindAsync("email=shared@protect.example"));
        var second = Guid.Parse(conflict.GetProperty("customerId").GetString() == first.ToString()
            ? conflict.GetProperty("otherCustomerId").GetString()!
            : conflict.GetProperty("customerId").GetString()!);
        var secondRecord = await Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers/{second}", UriKind.Relative));
        Assert.Equal("Second", secondRecord.GetProperty("fields").GetProperty("name").GetProperty("value").GetString());
    }

    [Fact]
    public async Task Likely_duplicates_are_suggested_with_a_score_and_a_reason_but_not_merged()
    {
        var one = await IdentifyAsync("d-1", """{"email":"carla.one@dup.example","name":"Carla Núñez","company":{"name":"Dup Corp"}}""");
        var two = await IdentifyAsync("d-2", """{"email":"carla.two@dup.example","name":"carla  nunez","company":{"name":"DUP CORP"}}""");
        var suggestion = await Eventually.ValueAsync(async () =>
        {
            var all = await Client.GetFromJsonAsync<JsonElement>(new Uri("api/identity/duplicates", UriKind.Relative));
            return all.GetProperty("items").EnumerateArray().Cast<JsonElement?>().FirstOrDefault(s =>
                new[] { s!.Value.GetProperty("customerId").GetString(), s.Value.GetProperty("otherCustomerId").GetString() }
                    .Order().SequenceEqual(new[] { one.ToString(), two.ToString() }.Order()));
        });
        Assert.InRange(suggestion.GetProperty("score").GetDouble(), 0.5, 1.0);
        Assert.Contains("name", suggestion.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal([one], await FindAsync("email=carla.one@dup.example"));
        Assert.Equal([two], await FindAsync("email=carla.two@dup.example"));
    }

    [Theory]
    [InlineData("api/identity/conflicts")]
    [InlineData("api/identity/duplicates")]
    public async Task The_review_lists_refuse_a_bad_limit_or_cursor_with_a_400_naming_it(string list)
    {
        foreach (var query in new[] { "limit=0", "limit=501", "limit=99999" })
        {
            var detail = await BadRequestDetailAsync($"{list}?{query}");
            Assert.Contains("'limit'", detail, StringComparison.Ordinal);
        }
        Assert.Contains("'cursor'", await BadRequestDetailAsync($"{list}?cursor=not-a-cursor"), StringComparison.Ordinal);
        if (list.EndsWith("duplicates", StringComparison.Ordinal))
        {
            // A cursor's score is a number: not NaN or Infinity, which no suggestion has.
            Assert.Contains("'cursor'", await BadRequestDetailAsync($"{list}?cursor=NaN_{Guid.NewGuid():N}_{Guid.NewGuid():N}"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_review_lists_page_with_their_cursor_through_every_item_once()
    {
        for (var pair = 0; pair < 3; pair++)
        {
            await IdentifyAsync($"pg-c{pair}1", $$"""{"email":"shared{{pair}}@page.example","name":"Page{{pair}}"}""", userId: $"crm-pg-{pair}-1");
            using var response = await fixture.Embedded.Sender.SendAsync(
                $$$"""{"type":"identify","messageId":"pg-c{{{pair}}}2","userId":"crm-pg-{{{pair}}}-2","traits":{"email":"shared{{{pair}}}@page.example"}}""");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await IdentifyAsync($"pg-d{pair}1", $$$"""{"email":"dup{{{pair}}}.a@page.example","name":"Pagina Duplo{{{pair}}}","company":{"name":"Page Co"}}""");
            await IdentifyAsync($"pg-d{pair}2", $$$"""{"email":"dup{{{pair}}}.b@page.example","name":"pagina duplo{{{pair}}}","company":{"name":"PAGE CO"}}""");
        }
        foreach (var list in new[] { "api/identity/conflicts", "api/identity/duplicates" })
        {
            await Eventually.ValueAsync(async () => (await Client.GetFromJsonAsync<JsonElement>(new Uri($"{list}?limit=500", UriKind.Relative)))
                .GetProperty("items").GetArrayLength() >= 3 ? 1 : (int?)null);
        }

        foreach (var (list, key) in new[] { ("api/identity/conflicts", "id"), ("api/identity/duplicates", "customerId") })
        {
            var whole = (await Client.GetFromJsonAsync<JsonElement>(new Uri($"{list}?limit=500", UriKind.Relative))).GetProperty("items")
                .EnumerateArray().Select(i => $"{i.GetProperty(key)}/{(i.TryGetProperty("otherCustomerId", out var o) ? o.ToString() : "")}").ToList();
            Assert.True(whole.Count >= 3, $"{list} has {whole.Count} items");
            var paged = new List<string>();
            string? cursor = null;
            do
            {
                var page = await Client.GetFromJsonAsync<JsonElement>(new Uri($"{list}?limit=2{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}", UriKind.Relative));
                var items = page.GetProperty("items").EnumerateArray().ToList();
                Assert.InRange(items.Count, 1, 2);
                paged.AddRange(items.Select(i => $"{i.GetProperty(key)}/{(i.TryGetProperty("otherCustomerId", out var o) ? o.ToString() : "")}"));
                cursor = page.GetProperty("nextCursor").GetString();
            }
            while (cursor is not null);
            Assert.Equal(whole, paged);
        }
    }

    [Fact]
    public async Task Splitting_an_unknown_customer_is_404()
    {
        var unknown = Guid.NewGuid();
        using var split = await Client.PostAsJsonAsync(new Uri($"api/customers/{unknown}/split", UriKind.Relative), new { mergedCustomerId = Guid.NewGuid() });

        Assert.Equal(HttpStatusCode.NotFound, split.StatusCode);
        Assert.Contains(unknown.ToString(), (await split.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_merged_ids_sync_status_answers_301_to_the_survivors()
    {
        var eve = await IdentifyAsync("y-1", """{"email":"eve@sync301.example","name":"Eve"}""");
        var phone = await IdentifyAsync("y-2", """{"phone":"+1 201 555 0144","name":"Eve B"}""", byPhone: "+12015550144");
        await IdentifyAsync("y-3", """{"email":"eve@sync301.example","phone":"+12015550144"}""");
        await Eventually.ValueAsync(async () => (await FindAsync("phone=%2B12015550144")) is [var only] && only == eve ? eve : (Guid?)null);
        using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = fixture.Embedded.Hub.BaseAddress };
        noRedirect.DefaultRequestHeaders.Authorization = Client.DefaultRequestHeaders.Authorization;

        using var moved = await noRedirect.GetAsync(new Uri($"api/customers/{phone}/sync", UriKind.Relative));

        Assert.Equal(HttpStatusCode.MovedPermanently, moved.StatusCode);
        Assert.Equal($"/api/customers/{eve}/sync", moved.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_search_by_phone_with_the_plus_left_unescaped_finds_the_customer_as_the_context_does()
    {
        var gus = await IdentifyAsync("g-1", """{"phone":"+44 20 7183 8750","name":"Gus"}""", byPhone: "+442071838750");

        Assert.Equal([gus], await FindAsync("phone=+442071838750"));
        var (status, _) = await GetStatusAsync("api/context?phone=+442071838750");
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Theory]
    [InlineData("{\"channel\":\"sms\",", "JSON")]
    [InlineData("{\"channel\":\"sms\",\"status\":5}", "status")]
    public async Task A_consent_body_that_cannot_be_read_is_a_400_whose_detail_says_what_is_wrong(string body, string named)
    {
        var customer = await IdentifyAsync("k-1", """{"email":"kim@consent400.example","name":"Kim"}""");
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");

        using var response = await Client.PutAsync(new Uri($"api/customers/{customer}/consent", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        Assert.Contains(named, detail, StringComparison.Ordinal);
    }

    private async Task<string> BadRequestDetailAsync(string url)
    {
        using var response = await Client.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
    }

    private async Task<(HttpStatusCode Status, string Body)> GetStatusAsync(string url)
    {
        using var response = await Client.GetAsync(new Uri(url, UriKind.Relative));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Identifiers_that_cannot_be_used_are_reported_on_the_touchpoint_with_the_reason()
    {
        var dana = await IdentifyAsync("r-1", """{"email":"dana@reject.example","phone":"not a number"}""");
        using (var response = await fixture.Embedded.Sender.SendAsync(
            """{"type":"track","messageId":"r-2","event":"Called","context":{"traits":{"email":"dana@reject.example","phone":"+10000000000"}}}"""))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var items = await Eventually.ValueAsync(async () =>
        {
            var timeline = await Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers/{dana}/timeline", UriKind.Relative));
            return timeline.GetProperty("items").GetArrayLength() == 2 ? timeline.GetProperty("items") : (JsonElement?)null;
        });
        var reasons = items.EnumerateArray().SelectMany(i => i.GetProperty("rejectedIdentities").EnumerateArray())
            .Select(r => $"{r.GetProperty("identifier").GetProperty("value").GetString()}: {r.GetProperty("reason").GetString()}").ToList();
        Assert.Contains(reasons, r => r.StartsWith("not a number: not a phone number", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.StartsWith("+10000000000: ", StringComparison.Ordinal) && r.Contains("placeholder", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_people_with_the_same_local_number_without_area_code_stay_two_customers()
    {
        // As QA sent them: two CloudEvents, different e-mails, one 7-digit number. As "+15550177" it glued them together.
        var una = await TouchpointAsync("local-1", "una@local.example", "555-0177");
        var vic = await TouchpointAsync("local-2", "vic@local.example", "555-0177");

        Assert.NotEqual(una, vic);
        foreach (var customer in new[] { una, vic })
        {
            var identifiers = (await Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers/{customer}", UriKind.Relative))).GetProperty("identifiers");
            Assert.DoesNotContain(identifiers.EnumerateArray(), i => i.GetProperty("type").GetString() == "phone");
            var timeline = await Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers/{customer}/timeline", UriKind.Relative));
            var rejected = Assert.Single(Assert.Single(timeline.GetProperty("items").EnumerateArray()).GetProperty("rejectedIdentities").EnumerateArray());
            Assert.Equal("555-0177", rejected.GetProperty("identifier").GetProperty("value").GetString());
            Assert.Contains("without an area code", rejected.GetProperty("reason").GetString(), StringComparison.Ordinal);
        }
        var (status, body) = await GetStatusAsync("api/customers?phone=555-0177");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("without an area code", body, StringComparison.Ordinal);
    }

    private async Task<Guid> TouchpointAsync(string id, string email, string phone)
    {
        using (var response = await fixture.Embedded.Sender.SendAsync(
            $$$"""
            {"specversion":"1.0","type":"io.hub.touchpoint","source":"https://helpdesk.example.com","id":"{{{id}}}","time":"2026-03-01T10:00:00Z",
             "data":{"channel":"web","type":"ticket.opened","identities":[{"type":"email","value":"{{{email}}}"},{"type":"phone","value":"{{{phone}}}"}]}}
            """, contentType: "application/cloudevents+json"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        return await Eventually.ValueAsync(async () => (await FindAsync($"email={email}")) is [var found] ? found : (Guid?)null);
    }

    private async Task<Guid> IdentifyAsync(string messageId, string traits, string? byPhone = null, string? userId = null)
    {
        var user = userId is null ? "" : $"\"userId\":\"{userId}\",";
        using (var response = await fixture.Embedded.Sender.SendAsync(
            $$"""{"type":"identify","messageId":"{{messageId}}",{{user}}"anonymousId":"anon","traits":{{traits}},"timestamp":"2026-03-01T10:00:0{{messageId[^1]}}Z"}"""))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var traitsJson = JsonDocument.Parse(traits).RootElement;
        var query = byPhone is not null ? $"phone={Uri.EscapeDataString(byPhone)}"
            : traitsJson.TryGetProperty("email", out var email) ? $"email={email.GetString()}" : throw new ArgumentException("no lookup");
        return await Eventually.ValueAsync(async () => (await FindAsync(query)) is [var id] ? id : (Guid?)null);
    }

    private async Task<List<Guid>> FindAsync(string query)
    {
        var found = await Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers?{query}", UriKind.Relative));
        return [.. found.EnumerateArray().Select(c => Guid.Parse(c.GetProperty("id").GetString()!))];
    }

    private async Task<string> StateAsync(Guid id, string? ignoring = null)
    {
        var customer = await Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers/{id}", UriKind.Relative));
        var timeline = await Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers/{id}/timeline", UriKind.Relative));
        var events = timeline.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("sourceEventId").GetString()).Where(e => e != ignoring);
        var fields = customer.GetProperty("fields").EnumerateObject().Select(f => $"{f.Name}={f.Value.GetProperty("value").GetString()}");
        return $"{customer.GetProperty("id")} {customer.GetProperty("identifiers")} {string.Join(",", fields)} {string.Join(",", events)}";
    }

}
