using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;
using Hub.Core.Identity;

namespace Hub.Core.Tests.Identity;

public sealed class TouchpointNormalizerTests
{
    private static readonly DateTimeOffset OccurredAt = new(2025, 3, 14, 9, 26, 53, TimeSpan.Zero);
    private static readonly DateTimeOffset ReceivedAt = new(2025, 3, 14, 10, 27, 0, TimeSpan.FromHours(1));

    private readonly TouchpointNormalizer _normalizer = new(new IdentifierNormalizer("US"));

    private static TouchpointDraft Draft(params CustomerIdentifier[] identities) => new()
    {
        SourceEventId = "evt-8421",
        Channel = TouchpointChannels.Crm,
        Type = "crm.contact.updated",
        OccurredAt = OccurredAt,
        Direction = TouchpointDirection.Inbound,
        Identities = identities,
        ProfileFacts = new Dictionary<string, string> { ["name"] = "Jane Doe" },
        Summary = "Contact updated",
        ContentReference = "https://crm.example.com/contacts/8421",
    };

    [Fact]
    public void Touchpoint_is_stamped_with_id_instance_and_receive_time()
    {
        var touchpoint = _normalizer.Normalize(Draft(), "crm-main", ReceivedAt);

        Assert.Equal(TouchpointIds.From("crm-main", "evt-8421"), touchpoint.TouchpointId);
        Assert.Equal("crm-main", touchpoint.ConnectorInstanceId);
        Assert.Equal(ReceivedAt, touchpoint.ReceivedAt);
    }

    [Fact]
    public void Draft_fields_are_carried_over_unchanged()
    {
        var draft = Draft();

        var touchpoint = _normalizer.Normalize(draft, "crm-main", ReceivedAt);

        Assert.Equal(draft.SourceEventId, touchpoint.SourceEventId);
        Assert.Equal(draft.Channel, touchpoint.Channel);
        Assert.Equal(draft.Type, touchpoint.Type);
        Assert.Equal(OccurredAt, touchpoint.OccurredAt);
        Assert.Equal(TouchpointDirection.Inbound, touchpoint.Direction);
        Assert.Equal("Jane Doe", touchpoint.ProfileFacts["name"]);
        Assert.Equal(draft.Summary, touchpoint.Summary);
        Assert.Equal(draft.ContentReference, touchpoint.ContentReference);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(86_400 * 365 * 7000L)]
    public void A_time_after_the_receive_time_becomes_the_receive_time(long secondsAhead)
    {
        var draft = Draft() with { OccurredAt = ReceivedAt.AddSeconds(secondsAhead) };

        Assert.Equal(ReceivedAt, _normalizer.Normalize(draft, "crm-main", ReceivedAt).OccurredAt);
    }

    [Fact]
    public void A_time_at_the_receive_time_stays()
    {
        Assert.Equal(ReceivedAt, _normalizer.Normalize(Draft() with { OccurredAt = ReceivedAt }, "crm-main", ReceivedAt).OccurredAt);
    }

    [Fact]
    public void The_same_event_through_the_same_instance_gets_the_same_id_on_every_delivery()
    {
        var first = _normalizer.Normalize(Draft(), "crm-main", ReceivedAt);
        var redelivered = _normalizer.Normalize(Draft(), "crm-main", ReceivedAt.AddHours(3));

        Assert.Equal(first.TouchpointId, redelivered.TouchpointId);
    }

    [Fact]
    public void Identities_are_normalized()
    {
        var touchpoint = _normalizer.Normalize(
            Draft(CustomerIdentifier.Email(" Jane.Doe@Example.org "), CustomerIdentifier.Phone("(201) 555-0123")),
            "crm-main",
            ReceivedAt);

        Assert.Equal(
            [CustomerIdentifier.Email("jane.doe@example.org"), CustomerIdentifier.Phone("+12015550123")],
            touchpoint.Identities);
        Assert.Empty(touchpoint.RejectedIdentities);
    }

    [Fact]
    public void Identities_that_normalize_to_the_same_value_are_kept_once()
    {
        var touchpoint = _normalizer.Normalize(
            Draft(
                CustomerIdentifier.Email("jane.doe@example.org"),
                CustomerIdentifier.Phone("+1 201 555 0123"),
                CustomerIdentifier.Email("JANE.DOE@EXAMPLE.ORG"),
                CustomerIdentifier.Phone("(201) 555-0123")),
            "crm-main",
            ReceivedAt);

        Assert.Equal(
            [CustomerIdentifier.Email("jane.doe@example.org"), CustomerIdentifier.Phone("+12015550123")],
            touchpoint.Identities);
    }

    [Fact]
    public void Rejected_identities_are_kept_with_their_reasons()
    {
        var handle = new CustomerIdentifier("twitter", "@janedoe");
        var fax = new CustomerIdentifier("fax", "+1 201 555 0199");

        var touchpoint = _normalizer.Normalize(
            Draft(handle, CustomerIdentifier.Email("jane.doe@example.org"), fax),
            "crm-main",
            ReceivedAt);

        Assert.Equal([CustomerIdentifier.Email("jane.doe@example.org")], touchpoint.Identities);
        Assert.Collection(
            touchpoint.RejectedIdentities,
            r =>
            {
                Assert.Equal(handle, r.Identifier);
                Assert.Contains("numeric user id", r.Reason, StringComparison.Ordinal);
            },
            r =>
            {
                Assert.Equal(fax, r.Identifier);
                Assert.Contains("'fax'", r.Reason, StringComparison.Ordinal);
            });
    }

    [Fact]
    public void Region_override_is_used_for_national_phone_numbers()
    {
        var touchpoint = _normalizer.Normalize(Draft(CustomerIdentifier.Phone("912 345 678")), "crm-es", ReceivedAt, regionOverride: "ES");

        Assert.Equal([CustomerIdentifier.Phone("+34912345678")], touchpoint.Identities);
    }

    [Fact]
    public void An_identity_longer_than_the_store_keeps_is_kept_among_the_rejected_ones_and_the_touchpoint_stays()
    {
        var tooLong = new CustomerIdentifier("shop:user", new string('7', TouchpointLimits.IdentifierValueLength + 1));

        var touchpoint = _normalizer.Normalize(Draft(CustomerIdentifier.Email("jane@example.org"), tooLong), "crm-main", ReceivedAt);

        Assert.Equal([CustomerIdentifier.Email("jane@example.org")], touchpoint.Identities);
        var rejected = Assert.Single(touchpoint.RejectedIdentities);
        Assert.Equal(tooLong, rejected.Identifier);
        Assert.Contains($"longer than {TouchpointLimits.IdentifierValueLength}", rejected.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Profile_fact_values_are_put_in_composed_form()
    {
        var draft = Draft() with { ProfileFacts = new Dictionary<string, string> { ["name"] = "José Müller".Normalize(System.Text.NormalizationForm.FormD) } };

        var touchpoint = _normalizer.Normalize(draft, "crm-main", ReceivedAt);

        Assert.Equal("José Müller".Normalize(System.Text.NormalizationForm.FormC), touchpoint.ProfileFacts["name"]);
    }
}
