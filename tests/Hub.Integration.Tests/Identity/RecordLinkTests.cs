using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;
using Microsoft.EntityFrameworkCore;

namespace Hub.Integration.Tests.Identity;

/// <summary>
/// A sync target's answer naming the record it wrote a customer to (a <c>crm.record.linked</c> touchpoint) never merges
/// two customers: a record id another customer already holds is a merge-protection conflict for review.
/// </summary>
public sealed class RecordLinkTests
{
    private static readonly CustomerIdentifier AmaraContact = new("salesforce:contact", "0035g00000Qk7XaAAJ");
    private static readonly CustomerIdentifier BeeEmail = CustomerIdentifier.Email("b3@example.com");

    private static readonly TouchpointReceived Amara =
        CrmTouchpoints.Identified("amara", 0, "Amara Okafor", AmaraContact, CustomerIdentifier.Email("amara.okafor@example.com"));

    private static readonly TouchpointReceived Bee =
        CrmTouchpoints.Identified("bee", 1, "Bee Three", BeeEmail) with { ConnectorInstanceId = "web1", TouchpointId = TouchpointIds.From("web1", "bee") };

    /// <summary>Salesforce answered Bee's upsert with Amara's Contact id.</summary>
    private static readonly TouchpointReceived WrongLink = new()
    {
        TouchpointId = TouchpointIds.From("sf1", "sync-link:bee"),
        ConnectorInstanceId = "sf1",
        SourceEventId = "sync-link:bee",
        Channel = TouchpointChannels.Crm,
        Type = "crm.record.linked",
        OccurredAt = new DateTimeOffset(2026, 1, 1, 9, 2, 0, TimeSpan.Zero),
        ReceivedAt = new DateTimeOffset(2026, 1, 1, 9, 2, 0, TimeSpan.Zero),
        Identities = [BeeEmail, AmaraContact],
        Summary = $"Linked to salesforce:contact {AmaraContact.Value}",
    };

    [Fact]
    public async Task A_record_id_another_customer_holds_is_a_conflict_and_merges_nobody()
    {
        using var harness = new ResolverHarness();
        await harness.ApplyAsync([Amara]);
        await harness.ApplyAsync([Bee]);

        var changes = await harness.ApplyAsync([WrongLink]);

        Assert.Empty(changes.Merges);
        var shape = await harness.ShapeAsync();
        Assert.Contains("email:amara.okafor@example.com,salesforce:contact:0035g00000Qk7XaAAJ | name=Amara Okafor |", shape, StringComparison.Ordinal);
        Assert.Contains("email:b3@example.com | name=Bee Three |", shape, StringComparison.Ordinal);
        await using var db = harness.Open();
        var conflict = Assert.Single(await db.IdentityConflicts.ToListAsync());
        Assert.Equal(WrongLink.TouchpointId, conflict.TouchpointId);
        var customers = await db.CustomerIdentifiers.Where(i => i.Value == AmaraContact.Value || i.Value == BeeEmail.Value).Select(i => i.CustomerId).ToListAsync();
        Assert.Equal(customers.Order(), new[] { conflict.CustomerId, conflict.OtherCustomerId!.Value }.Order());
    }

    [Fact]
    public async Task The_outcome_is_the_same_whatever_order_the_link_and_the_customers_arrive_in()
    {
        using var oneByOne = new ResolverHarness();
        foreach (var touchpoint in new[] { Amara, Bee, WrongLink })
        {
            await oneByOne.ApplyAsync([touchpoint]);
        }
        using var together = new ResolverHarness();
        await together.ApplyAsync([WrongLink, Bee, Amara]);

        Assert.Equal(await oneByOne.ShapeAsync(), await together.ShapeAsync());
        Assert.Equal(2, (await together.ShapeAsync()).Split(Environment.NewLine).Length);
    }
}
