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

    [Fact]
    public async Task A_Contact_the_hub_created_keeps_no_one_apart_even_when_it_is_known_as_the_hub_s_only_after_a_refused_merge()
    {
        var carlEmail = CustomerIdentifier.Email("carl.c1@example.org");
        var carlPhone = CustomerIdentifier.Phone("+15035550197");
        var created = new CustomerIdentifier("salesforce:contact", "0035g00000Hb000AAB");
        var fromSalesforce = new CustomerIdentifier("salesforce:contact", "0035g00000Hb001AAB");
        var carlId = Guid.Parse("0c5d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f");
        // Salesforce's own events about both Contacts come first; the hub's "created" link of the first comes last.
        var touchpoints = new[]
        {
            CrmTouchpoints.Identified("carl-mail", 0, "Carl Gamma", carlEmail),
            CrmTouchpoints.Identified("sf-contact-1", 1, "Carl Gamma", carlEmail, created),
            CrmTouchpoints.Identified("sf-contact-2", 2, "Carl Gamma", carlPhone, fromSalesforce),
            CrmTouchpoints.Identified("carl-both", 3, "Carl Gamma", carlEmail, carlPhone),
            CreatedLink(carlId, 4, created, carlEmail),
        };
        using var oneByOne = new ResolverHarness();
        var conflictsBeforeTheLink = 0;
        foreach (var touchpoint in touchpoints)
        {
            await oneByOne.ApplyAsync([touchpoint]);
            if (touchpoint == touchpoints[3])
            {
                await using var before = oneByOne.Open();
                conflictsBeforeTheLink = await before.IdentityConflicts.CountAsync();
            }
        }
        using var together = new ResolverHarness();
        await together.ApplyAsync([.. touchpoints.Reverse()]);

        Assert.Equal(1, conflictsBeforeTheLink);
        var shape = await oneByOne.ShapeAsync();
        Assert.Equal(shape, await together.ShapeAsync());
        Assert.Single(shape.Split(Environment.NewLine));
        foreach (var harness in new[] { oneByOne, together })
        {
            await using var db = harness.Open();
            Assert.Empty(await db.IdentityConflicts.ToListAsync());
            var contacts = await db.CustomerIdentifiers.Where(i => i.Type == "salesforce:contact").OrderBy(i => i.Value).ToListAsync();
            Assert.Equal([carlId, null], contacts.Select(c => c.CreatedForCustomerId));
        }
    }

    /// <summary>The hub's upsert created the Contact for the customer (201): the link names it and the customer in its details.</summary>
    private static TouchpointReceived CreatedLink(Guid customerId, int minute, CustomerIdentifier contact, params CustomerIdentifier[] held)
    {
        var at = new DateTimeOffset(2026, 1, 1, 9, minute, 0, TimeSpan.Zero);
        return new TouchpointReceived
        {
            TouchpointId = TouchpointIds.From("sf1", $"sync-created:{customerId}:{contact}"),
            ConnectorInstanceId = "sf1",
            SourceEventId = $"sync-created:{customerId}:{contact}",
            Channel = TouchpointChannels.Crm,
            Type = "crm.record.linked",
            OccurredAt = at,
            ReceivedAt = at,
            Identities = [.. held, contact],
            Summary = $"Linked to {contact.Type} {contact.Value}, which the hub created for this customer",
            Details = new Dictionary<string, string>
            {
                ["createdRecordType"] = contact.Type,
                ["createdRecordId"] = contact.Value,
                ["createdForCustomerId"] = customerId.ToString(),
            },
        };
    }
}
