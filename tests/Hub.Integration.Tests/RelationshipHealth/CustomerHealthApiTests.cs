using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Integration.Tests.Api;

namespace Hub.Integration.Tests.RelationshipHealth;

/// <summary><c>GET /api/customers/{id}/health</c> and the context's health, through the real hub: every number follows from the timeline.</summary>
public sealed class CustomerHealthApiTests(EmbeddedHubFixture fixture) : IClassFixture<EmbeddedHubFixture>
{
    private const string Mia = "mia.health@example.com";
    private static readonly DateTimeOffset March2 = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    private HttpClient Client => fixture.Embedded.Hub.Client;

    [Fact]
    public async Task Touchpoints_arriving_out_of_order_and_redelivered_give_the_health_their_timeline_explains()
    {
        var hub = fixture.Embedded;
        await HealthEvents.SendAsync(hub, "sms-out-1", Mia, "sms", "sms.sent", "outbound", March2.AddHours(9.5));
        await HealthEvents.SendAsync(hub, "sms-in-1", Mia, "sms", "sms.received", "inbound", March2.AddHours(9));
        await HealthEvents.SendAsync(hub, "sms-in-2", Mia, "sms", "sms.received", "inbound", March2.AddHours(9).AddMinutes(10));
        await HealthEvents.SendAsync(hub, "case-1-closed", Mia, "crm", "crm.case.closed", "none", March2.AddDays(1).AddHours(12), "https://crm.example.com/case/1");
        await HealthEvents.SendAsync(hub, "email-in-1", Mia, "email", "email.received", "inbound", March2.AddDays(1).AddHours(8));
        await HealthEvents.SendAsync(hub, "case-1-opened", Mia, "crm", "crm.case.opened", "inbound", March2.AddDays(1).AddHours(10), "https://crm.example.com/case/1");
        await HealthEvents.SendAsync(hub, "sms-in-1", Mia, "sms", "sms.received", "inbound", March2.AddHours(9));
        await HealthEvents.SendAsync(hub, "case-2-opened", Mia, "crm", "crm.case.opened", "inbound", March2.AddDays(2).AddHours(10), "https://crm.example.com/case/2");
        await HealthEvents.SendAsync(hub, "email-out-1", Mia, "email", "email.sent", "outbound", March2.AddDays(1).AddHours(9));
        await HealthEvents.SendAsync(hub, "sms-in-3", Mia, "sms", "sms.received", "inbound", March2.AddDays(3).AddHours(7));
        await HealthEvents.SettledAsync(hub, 9);

        var customer = await Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers?email={Mia}", UriKind.Relative));
        var id = customer[0].GetProperty("id").GetString();
        var health = await Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers/{id}/health", UriKind.Relative));

        Assert.Equal(March2.AddDays(3).AddHours(7), health.GetProperty("lastContactAt").GetDateTimeOffset());
        Assert.Equal(6, health.GetProperty("contactsStarted").GetProperty("byCustomer").GetInt32());
        Assert.Equal(2, health.GetProperty("contactsStarted").GetProperty("byCompany").GetInt32());
        Assert.Equal(0.75, health.GetProperty("contactsStarted").GetProperty("customerShare").GetDouble());
        var channels = health.GetProperty("channels").EnumerateArray().ToDictionary(c => c.GetProperty("channel").GetString()!, c => c.GetProperty("contacts").GetInt32());
        Assert.Equal(new Dictionary<string, int> { ["sms"] = 4, ["email"] = 2, ["crm"] = 2 }, channels);

        var issues = health.GetProperty("openIssues");
        Assert.Equal(2, issues.GetProperty("total").GetInt32());
        Assert.Equal(1, issues.GetProperty("unansweredMessages").GetInt32());
        Assert.Equal(March2.AddDays(3).AddHours(7), issues.GetProperty("awaitingReplySince").GetDateTimeOffset());
        var openCase = Assert.Single(issues.GetProperty("cases").EnumerateArray());
        Assert.Equal("https://crm.example.com/case/2", openCase.GetProperty("reference").GetString());
        Assert.Equal(March2.AddDays(2).AddHours(10), health.GetProperty("lastUnresolvedComplaintAt").GetDateTimeOffset());

        var response = health.GetProperty("responseTime");
        Assert.Equal(2, response.GetProperty("responses").GetInt32());
        Assert.Equal(1800, response.GetProperty("medianSeconds").GetInt64());
        Assert.Equal(3600, response.GetProperty("lastSeconds").GetInt64());
        Assert.Equal(March2.AddDays(1).AddHours(9), response.GetProperty("lastRespondedAt").GetDateTimeOffset());

        var context = await Client.GetFromJsonAsync<JsonElement>(new Uri($"api/context?email={Mia}", UriKind.Relative));
        var contextIssues = context.GetProperty("health").GetProperty("openIssues");
        Assert.Equal(issues.GetProperty("cases").GetRawText(), contextIssues.GetProperty("cases").GetRawText());
        Assert.Equal(issues.GetProperty("awaitingReplySince").GetRawText(), contextIssues.GetProperty("awaitingReplySince").GetRawText());
        Assert.Equal(health.GetProperty("responseTime").GetRawText(), context.GetProperty("health").GetProperty("responseTime").GetRawText());
    }

    [Fact]
    public async Task A_case_updated_and_closed_at_the_same_instant_is_closed_in_the_context_as_in_the_health_whatever_came_first()
    {
        const string noor = "noor.health@example.com";
        const string reference = "https://crm.example.com/case/77";
        var hub = fixture.Embedded;
        var entries = await hub.CountAsync("timeline");
        await HealthEvents.SendAsync(hub, "case-77-opened", noor, "crm", "crm.case.opened", "inbound", March2.AddHours(8), reference);
        await HealthEvents.SendAsync(hub, "case-77-updated", noor, "crm", "crm.case.updated", "none", March2.AddHours(10), reference);
        await HealthEvents.SettledAsync(hub, entries + 2);
        await HealthEvents.SendAsync(hub, "case-77-closed", noor, "crm", "crm.case.closed", "none", March2.AddHours(10), reference);
        await HealthEvents.SettledAsync(hub, entries + 3);

        var context = await Client.GetFromJsonAsync<JsonElement>(new Uri($"api/context?email={noor}", UriKind.Relative));

        Assert.Equal(0, context.GetProperty("health").GetProperty("openIssues").GetProperty("openCases").GetInt32());
        Assert.Empty(context.GetProperty("openIssues").EnumerateArray());
    }

    [Fact]
    public async Task The_contexts_last_contact_is_the_healths_not_a_blocked_send_or_a_record_change()
    {
        const string ravi = "ravi.health@example.com";
        var hub = fixture.Embedded;
        var entries = await hub.CountAsync("timeline");
        await HealthEvents.SendAsync(hub, "ravi-sms-in", ravi, "sms", "sms.received", "inbound", March2.AddHours(9));
        await HealthEvents.SendAsync(hub, "ravi-sms-blocked", ravi, "sms", "sms.blocked", "outbound", March2.AddHours(10));
        await HealthEvents.SendAsync(hub, "ravi-email-failed", ravi, "email", "email.failed", "outbound", March2.AddHours(11));
        await HealthEvents.SendAsync(hub, "ravi-crm-updated", ravi, "crm", "crm.contact.updated", "none", March2.AddHours(12));
        await HealthEvents.SettledAsync(hub, entries + 4);

        var context = await Client.GetFromJsonAsync<JsonElement>(new Uri($"api/context?email={ravi}", UriKind.Relative));

        var metrics = context.GetProperty("metrics");
        Assert.Equal(March2.AddHours(9), metrics.GetProperty("lastContactAt").GetDateTimeOffset());
        Assert.Equal(context.GetProperty("health").GetProperty("lastContactAt").GetRawText(), metrics.GetProperty("lastContactAt").GetRawText());
        var channels = metrics.GetProperty("channels").EnumerateArray().ToDictionary(
            c => c.GetProperty("channel").GetString()!,
            c => c.GetProperty("lastContactAt").ValueKind == JsonValueKind.Null ? (DateTimeOffset?)null : c.GetProperty("lastContactAt").GetDateTimeOffset());
        Assert.Equal(new Dictionary<string, DateTimeOffset?> { ["sms"] = March2.AddHours(9), ["email"] = null, ["crm"] = null }, channels);
    }

    [Fact]
    public async Task The_health_of_an_unknown_customer_is_a_404_problem()
    {
        using var response = await Client.GetAsync(new Uri($"api/customers/{Guid.NewGuid()}/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
