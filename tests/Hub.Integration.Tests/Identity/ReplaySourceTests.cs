using System.Text.Json;
using Hub.Contracts.Customers;
using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;
using Microsoft.EntityFrameworkCore;

namespace Hub.Integration.Tests.Identity;

/// <summary>
/// A change merge protection sends through a replay is attributed to the source of the touchpoints that caused it, as
/// an incremental change is: so a CRM is not sent back its own Contact, and a change several sources caused names none.
/// </summary>
public sealed class ReplaySourceTests
{
    private static readonly CustomerIdentifier OfficePhone = CustomerIdentifier.Phone("+15035550100");

    private static readonly TouchpointReceived Amara =
        CrmTouchpoints.Identified("amara", 0, "Amara Okafor", new("salesforce:contact", "0035g00000Zq1AaAAJ"), OfficePhone);

    /// <summary>A second Contact with the same office phone: one Contact id each, so the two are not merged, and the component is replayed.</summary>
    private static readonly TouchpointReceived Daniel =
        CrmTouchpoints.Identified("daniel", 1, "Daniel Reyes", new("salesforce:contact", "0035g00000Zq1BbAAJ"), OfficePhone);

    [Fact]
    public async Task A_customer_a_replay_creates_for_a_CRMs_touchpoint_is_announced_as_that_CRMs_change()
    {
        using var harness = new ResolverHarness();
        await harness.ApplyAsync([Amara]);
        var before = await LastOutboxIdAsync(harness);

        var changes = await harness.ApplyAsync([Daniel]);

        Assert.NotEmpty(changes.ReplayedLinks);
        var updates = await UpdatesSinceAsync(harness, before);
        Assert.Contains(updates, u => u.Customer.Fields.GetValueOrDefault("name")?.Value == "Daniel Reyes");
        Assert.All(updates, u => Assert.Equal("crm1", u.SourceConnectorInstanceId));
    }

    [Fact]
    public async Task A_replay_caused_by_touchpoints_of_two_sources_names_neither()
    {
        using var harness = new ResolverHarness();
        await harness.ApplyAsync([Amara]);
        var before = await LastOutboxIdAsync(harness);
        var fromElsewhere = CrmTouchpoints.Identified("daniel-web", 2, "Dan Reyes", new CustomerIdentifier("salesforce:contact", "0035g00000Zq1BbAAJ"))
            with { ConnectorInstanceId = "web1", TouchpointId = TouchpointIds.From("web1", "daniel-web") };

        await harness.ApplyAsync([Daniel, fromElsewhere]);

        var updates = await UpdatesSinceAsync(harness, before);
        Assert.NotEmpty(updates);
        Assert.All(updates, u => Assert.Null(u.SourceConnectorInstanceId));
    }

    private static async Task<long> LastOutboxIdAsync(ResolverHarness harness)
    {
        await using var db = harness.Open();
        return await db.Outbox.MaxAsync(o => (long?)o.Id) ?? 0;
    }

    private static async Task<List<CustomerUpdated>> UpdatesSinceAsync(ResolverHarness harness, long outboxId)
    {
        await using var db = harness.Open();
        var bodies = await db.Outbox.Where(o => o.Id > outboxId && o.MessageType == nameof(CustomerUpdated)).Select(o => o.Body).ToListAsync();
        return [.. bodies.Select(b => JsonSerializer.Deserialize<CustomerUpdated>(b, JsonSerializerOptions.Web)!)];
    }
}
