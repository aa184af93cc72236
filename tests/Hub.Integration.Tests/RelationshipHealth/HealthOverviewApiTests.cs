using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Integration.Tests.Api;

namespace Hub.Integration.Tests.RelationshipHealth;

/// <summary><c>GET /api/health/overview</c> on a hub of its own, so every count is known.</summary>
public sealed class HealthOverviewApiTests(EmbeddedHubFixture fixture) : IClassFixture<EmbeddedHubFixture>
{
    private HttpClient Client => fixture.Embedded.Hub.Client;

    [Fact]
    public async Task The_overview_counts_customers_by_each_metric_and_lists_the_longest_waiting_first_a_page_at_a_time()
    {
        var hub = fixture.Embedded;
        var now = DateTimeOffset.UtcNow;
        await HealthEvents.SendAsync(hub, "b-in", "b@example.org", "email", "email.received", "inbound", now.AddHours(-3));
        await HealthEvents.SendAsync(hub, "a-in", "a@example.org", "sms", "sms.received", "inbound", now.AddDays(-10));
        await HealthEvents.SendAsync(hub, "c-case", "c@example.org", "crm", "crm.case.opened", "inbound", now.AddDays(-2), "https://crm.example.com/case/9");
        await HealthEvents.SendAsync(hub, "d-in", "d@example.org", "sms", "sms.received", "inbound", now.AddDays(-5));
        await HealthEvents.SendAsync(hub, "d-out", "d@example.org", "sms", "sms.sent", "outbound", now.AddDays(-5).AddMinutes(30));
        await HealthEvents.SettledAsync(hub, 5);

        var first = await Client.GetFromJsonAsync<JsonElement>(new Uri("api/health/overview?limit=2", UriKind.Relative));
        Assert.Equal(4, first.GetProperty("customers").GetInt32());
        Assert.Equal("""{"customers":2,"longerThanOneHour":2,"longerThanOneDay":1,"longerThanOneWeek":1}""", first.GetProperty("awaitingReply").GetRawText());
        Assert.Equal("""{"customers":1,"openedWithinOneDay":0,"openedWithinOneWeek":1,"openedEarlier":0}""", first.GetProperty("openComplaints").GetRawText());
        Assert.Equal(3, first.GetProperty("customersWithOpenIssues").GetInt32());
        Assert.Equal("""{"customers":1,"withinOneHour":1,"withinOneDay":0,"longerThanOneDay":0}""", first.GetProperty("medianResponseTime").GetRawText());
        Assert.Equal("""{"mostlyByCustomer":3,"even":1,"mostlyByCompany":0}""", first.GetProperty("contactsStarted").GetRawText());

        var firstPage = first.GetProperty("waiting");
        Assert.Equal(["a@example.org", "c@example.org"], await EmailsAsync(firstPage));
        var items = firstPage.GetProperty("items").EnumerateArray().ToList();
        Assert.True(items[0].GetProperty("waitingSeconds").GetInt64() > items[1].GetProperty("waitingSeconds").GetInt64());
        Assert.Equal(1, items[1].GetProperty("openCases").GetInt32());
        var cursor = firstPage.GetProperty("nextCursor").GetString();
        var second = await Client.GetFromJsonAsync<JsonElement>(new Uri($"api/health/overview?limit=2&cursor={cursor}", UriKind.Relative));
        Assert.Equal(["b@example.org"], await EmailsAsync(second.GetProperty("waiting")));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("waiting").GetProperty("nextCursor").ValueKind);
    }

    [Theory]
    [InlineData("api/health/overview?limit=0")]
    [InlineData("api/health/overview?limit=501")]
    [InlineData("api/health/overview?cursor=not-a-cursor")]
    public async Task A_bad_page_request_is_a_400_problem(string url)
    {
        using var response = await Client.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private async Task<List<string>> EmailsAsync(JsonElement page)
    {
        var emails = new List<string>();
        foreach (var item in page.GetProperty("items").EnumerateArray())
        {
            var customer = await Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers/{item.GetProperty("customerId").GetString()}", UriKind.Relative));
            emails.Add(customer.GetProperty("identifiers").EnumerateArray().Single(i => i.GetProperty("type").GetString() == "email").GetProperty("value").GetString()!);
        }
        return emails;
    }
}
