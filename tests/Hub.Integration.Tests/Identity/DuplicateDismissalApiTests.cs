using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hub.Integration.Tests.Api;
using Hub.Integration.Tests.Hosting;
using Hub.Testing.Servers;

namespace Hub.Integration.Tests.Identity;

/// <summary>
/// An admin says two suggested duplicates are not the same person (<c>POST /api/identity/duplicates/dismissals</c>):
/// the pair leaves the suggestions, the dismissal is listed and audited, saying it again changes nothing, undoing it
/// brings the pair back, and erasing either customer removes it.
/// </summary>
public abstract class DuplicateDismissalApiTests
{
    private const string Dismissals = "api/identity/duplicates/dismissals";

    protected abstract HubProcess Hub { get; }

    protected abstract SignedWebhookSender Sender { get; }

    private HttpClient Client => Hub.Client;

    protected abstract Task<long> CountAsync(string table);

    [Fact]
    public async Task A_dismissed_pair_leaves_the_suggestions_once_and_comes_back_when_the_dismissal_is_undone()
    {
        var (older, younger) = await LikelyDuplicatesAsync("da", "Dana Dismiss");
        var auditBefore = await CountAsync("audit_entries");
        var dismissalsBefore = await CountAsync("duplicate_dismissals");

        using (var dismissed = await DismissAsync(new { customerId = younger, otherCustomerId = older, reason = "different birthdays" }))
        {
            Assert.Equal(HttpStatusCode.Created, dismissed.StatusCode);
            var body = await dismissed.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(Canonical(older, younger), (body.GetProperty("customerId").GetGuid(), body.GetProperty("otherCustomerId").GetGuid()));
            Assert.Equal("different birthdays", body.GetProperty("reason").GetString());
            Assert.Equal("tests", body.GetProperty("dismissedBy").GetString());
        }
        Assert.False(await IsSuggestedAsync(older, younger));
        Assert.Equal(auditBefore + 1, await CountAsync("audit_entries"));

        // Again, the other way round: the same dismissal, nothing new.
        using (var again = await DismissAsync(new { customerId = older, otherCustomerId = younger, reason = "said twice" }))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Equal("different birthdays", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reason").GetString());
        }
        Assert.Equal(dismissalsBefore + 1, await CountAsync("duplicate_dismissals"));
        Assert.Equal(auditBefore + 1, await CountAsync("audit_entries"));
        Assert.Contains(Canonical(older, younger), await ListedDismissalsAsync());

        // A customer merged into one of the two later stands for it, as when dismissing.
        var merged = await IdentifyAsync("da-3", "da.three@dismiss.example", "Dana Dismiss");
        using (var merge = await Client.PostAsJsonAsync(new Uri($"api/customers/{older}/merge", UriKind.Relative), new { otherCustomerId = merged }))
        {
            Assert.Equal(HttpStatusCode.OK, merge.StatusCode);
        }
        auditBefore = await CountAsync("audit_entries");
        using (var undone = await Client.DeleteAsync(new Uri($"{Dismissals}/{merged}/{younger}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, undone.StatusCode);
            Assert.Equal("different birthdays", (await undone.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reason").GetString());
        }
        Assert.True(await IsSuggestedAsync(older, younger));
        Assert.DoesNotContain(Canonical(older, younger), await ListedDismissalsAsync());
        Assert.Equal(auditBefore + 1, await CountAsync("audit_entries"));
        using var undoneAgain = await Client.DeleteAsync(new Uri($"{Dismissals}/{younger}/{older}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, undoneAgain.StatusCode);
        Assert.Equal("application/problem+json", undoneAgain.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Unknown_customers_the_same_id_twice_and_bodies_that_cannot_be_read_are_refused_with_problems()
    {
        var (one, _) = await LikelyDuplicatesAsync("db", "Bo Refused");
        var unknown = Guid.NewGuid();

        using (var notFound = await DismissAsync(new { customerId = one, otherCustomerId = unknown }))
        {
            Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
            Assert.Contains(unknown.ToString(), await DetailAsync(notFound), StringComparison.Ordinal);
        }
        using (var same = await DismissAsync(new { customerId = one, otherCustomerId = one }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, same.StatusCode);
            Assert.Contains("same id", await DetailAsync(same), StringComparison.Ordinal);
        }
        using (var missing = await DismissAsync(new { customerId = one }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
            Assert.Contains("otherCustomerId", await DetailAsync(missing), StringComparison.Ordinal);
        }
        using (var misspelt = await DismissAsync(new { customerId = one, otherCustomerID2 = unknown }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, misspelt.StatusCode);
            Assert.Contains("'otherCustomerID2'", await DetailAsync(misspelt), StringComparison.Ordinal);
        }
        using (var content = new StringContent("{\"customerId\":", Encoding.UTF8, "application/json"))
        using (var badJson = await Client.PostAsync(new Uri(Dismissals, UriKind.Relative), content))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badJson.StatusCode);
            Assert.Equal("application/problem+json", badJson.Content.Headers.ContentType?.MediaType);
        }
        using var neverDismissed = await Client.DeleteAsync(new Uri($"{Dismissals}/{one}/{unknown}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, neverDismissed.StatusCode);
    }

    [Fact]
    public async Task Erasing_a_customer_removes_its_dismissals()
    {
        var (older, younger) = await LikelyDuplicatesAsync("dc", "Cy Erased");
        using (var dismissed = await DismissAsync(new { customerId = older, otherCustomerId = younger }))
        {
            Assert.Equal(HttpStatusCode.Created, dismissed.StatusCode);
        }
        var before = await CountAsync("duplicate_dismissals");

        using (var erasure = await Client.PostAsync(new Uri($"api/customers/{younger}/erasure", UriKind.Relative), null))
        {
            Assert.True(erasure.IsSuccessStatusCode, $"erasure answered {erasure.StatusCode}");
        }

        Assert.Equal(before - 1, await CountAsync("duplicate_dismissals"));
        Assert.DoesNotContain(await ListedDismissalsAsync(), d => d.CustomerId == younger || d.OtherCustomerId == younger);
        using var afterErasure = await DismissAsync(new { customerId = older, otherCustomerId = younger });
        Assert.Equal(HttpStatusCode.NotFound, afterErasure.StatusCode);
    }

    [Fact]
    public async Task The_dismissals_page_with_their_cursor_newest_first()
    {
        var (a, b) = await LikelyDuplicatesAsync("dd", "Di Paged");
        var (c, d) = await LikelyDuplicatesAsync("de", "Ed Paged");
        foreach (var (one, other) in new[] { (a, b), (c, d), (a, c) })
        {
            using var dismissed = await DismissAsync(new { customerId = one, otherCustomerId = other });
            Assert.Equal(HttpStatusCode.Created, dismissed.StatusCode);
        }

        var paged = new List<(Guid, Guid)>();
        string? cursor = null;
        do
        {
            var page = await Client.GetFromJsonAsync<JsonElement>(new Uri($"{Dismissals}?limit=1{(cursor is null ? "" : "&cursor=" + cursor)}", UriKind.Relative));
            paged.AddRange(page.GetProperty("items").EnumerateArray().Select(i => (i.GetProperty("customerId").GetGuid(), i.GetProperty("otherCustomerId").GetGuid())));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal([Canonical(a, c), Canonical(c, d), Canonical(a, b)], paged.Take(3));
        using var badCursor = await Client.GetAsync(new Uri($"{Dismissals}?cursor=nope", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, badCursor.StatusCode);
    }

    private static (Guid CustomerId, Guid OtherCustomerId) Canonical(Guid one, Guid other) => one.CompareTo(other) < 0 ? (one, other) : (other, one);

    private async Task<HttpResponseMessage> DismissAsync(object body) =>
        await Client.PostAsJsonAsync(new Uri(Dismissals, UriKind.Relative), body);

    private static async Task<string?> DetailAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
    }

    private async Task<List<(Guid CustomerId, Guid OtherCustomerId)>> ListedDismissalsAsync()
    {
        var page = await Client.GetFromJsonAsync<JsonElement>(new Uri($"{Dismissals}?limit=500", UriKind.Relative));
        return [.. page.GetProperty("items").EnumerateArray().Select(i => (i.GetProperty("customerId").GetGuid(), i.GetProperty("otherCustomerId").GetGuid()))];
    }

    private async Task<bool> IsSuggestedAsync(Guid one, Guid other)
    {
        var pair = Canonical(one, other);
        var all = await Client.GetFromJsonAsync<JsonElement>(new Uri("api/identity/duplicates?limit=500", UriKind.Relative));
        return all.GetProperty("items").EnumerateArray().Any(s => (s.GetProperty("customerId").GetGuid(), s.GetProperty("otherCustomerId").GetGuid()) == pair);
    }

    /// <summary>Two customers with the same name and company written differently, the first one older; waits until they are suggested.</summary>
    private async Task<(Guid Older, Guid Younger)> LikelyDuplicatesAsync(string prefix, string name)
    {
        var older = await IdentifyAsync($"{prefix}-1", $"{prefix}.one@dismiss.example", name);
        var younger = await IdentifyAsync($"{prefix}-2", $"{prefix}.two@dismiss.example", name.ToUpperInvariant());
        await Eventually.ValueAsync(async () => await IsSuggestedAsync(older, younger) ? true : (bool?)null);
        return (older, younger);
    }

    private async Task<Guid> IdentifyAsync(string messageId, string email, string name)
    {
        using (var response = await Sender.SendAsync(
            $$$"""{"type":"identify","messageId":"{{{messageId}}}","anonymousId":"anon","traits":{"email":"{{{email}}}","name":"{{{name}}}","company":{"name":"Dismissal Co"}},"timestamp":"2026-03-01T10:00:0{{{messageId[^1]}}}Z"}"""))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        return await Eventually.ValueAsync(async () =>
        {
            var found = await Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers?email={email}", UriKind.Relative));
            return found.EnumerateArray().Select(c => Guid.Parse(c.GetProperty("id").GetString()!)).ToList() is [var id] ? id : (Guid?)null;
        });
    }

}

/// <summary>On SQLite with the in-memory bus.</summary>
public sealed class EmbeddedDuplicateDismissalApiTests(EmbeddedHubFixture fixture) : DuplicateDismissalApiTests, IClassFixture<EmbeddedHubFixture>
{
    protected override HubProcess Hub => fixture.Embedded.Hub;

    protected override SignedWebhookSender Sender => fixture.Embedded.Sender;

    protected override Task<long> CountAsync(string table) => fixture.Embedded.CountAsync(table);
}

/// <summary>On PostgreSQL (REPEATABLE READ) and RabbitMQ.</summary>
public sealed class ProductionDuplicateDismissalApiTests(ProductionHub fixture) : DuplicateDismissalApiTests, IClassFixture<ProductionHub>
{
    protected override HubProcess Hub => fixture.Hub;

    protected override SignedWebhookSender Sender => fixture.Sender;

    protected override Task<long> CountAsync(string table) => fixture.CountAsync(table);
}
