using System.Net.Http.Json;
using System.Text.Json;
using Hub.Integration.Tests.Hosting;

namespace Hub.Integration.Tests.RelationshipHealth;

/// <summary>On RabbitMQ and PostgreSQL: the health row is kept in the production path and both endpoints' queries run on PostgreSQL.</summary>
public sealed class ProductionHealthTests(ProductionHub production) : IClassFixture<ProductionHub>
{
    [Fact]
    public async Task On_postgresql_a_customers_health_and_the_overview_follow_the_timeline()
    {
        var at = new DateTimeOffset(2026, 4, 1, 9, 0, 0, TimeSpan.Zero);
        await HealthEvents.SendAsync(production.Sender, "pg-out", "pg@example.org", "email", "email.sent", "outbound", at.AddMinutes(45));
        await HealthEvents.SendAsync(production.Sender, "pg-in-1", "pg@example.org", "email", "email.received", "inbound", at);
        await HealthEvents.SendAsync(production.Sender, "pg-in-2", "pg@example.org", "email", "email.received", "inbound", at.AddHours(2));
        await HealthEvents.SendAsync(production.Sender, "pg-case", "pg@example.org", "crm", "crm.case.opened", "inbound", at.AddHours(1), "https://crm.example.com/case/pg");
        await HealthEvents.SettledAsync(production.CountAsync, 4, checkIngressBuffer: false);

        var client = production.Hub.Client;
        var customer = await client.GetFromJsonAsync<JsonElement>(new Uri("api/customers?email=pg@example.org", UriKind.Relative));
        var id = customer[0].GetProperty("id").GetString();
        var health = await client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers/{id}/health", UriKind.Relative));
        Assert.Equal(2700, health.GetProperty("responseTime").GetProperty("medianSeconds").GetInt64());
        Assert.Equal(at.AddHours(2), health.GetProperty("openIssues").GetProperty("awaitingReplySince").GetDateTimeOffset());
        Assert.Equal(at.AddHours(1), health.GetProperty("lastUnresolvedComplaintAt").GetDateTimeOffset());

        var overview = await client.GetFromJsonAsync<JsonElement>(new Uri("api/health/overview?limit=1", UriKind.Relative));
        Assert.Equal(1, overview.GetProperty("customers").GetInt32());
        Assert.Equal("""{"customers":1,"longerThanOneHour":1,"longerThanOneDay":1,"longerThanOneWeek":1}""", overview.GetProperty("awaitingReply").GetRawText());
        Assert.Equal("""{"customers":1,"openedWithinOneDay":0,"openedWithinOneWeek":0,"openedEarlier":1}""", overview.GetProperty("openComplaints").GetRawText());
        var waiting = Assert.Single(overview.GetProperty("waiting").GetProperty("items").EnumerateArray());
        Assert.Equal(id, waiting.GetProperty("customerId").GetString());
        Assert.Equal(at.AddHours(1), waiting.GetProperty("waitingSince").GetDateTimeOffset());
    }
}
