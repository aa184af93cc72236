using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;

namespace Hub.Core.Tests.Touchpoints;

public sealed class TouchpointLimitsTests
{
    private static TouchpointDraft Draft(params CustomerIdentifier[] identities) => new()
    {
        SourceEventId = "evt-1",
        Channel = TouchpointChannels.Crm,
        Type = "ticket.opened",
        OccurredAt = new DateTimeOffset(2025, 3, 14, 9, 0, 0, TimeSpan.Zero),
        Identities = identities,
        ProfileFacts = new Dictionary<string, string> { ["name"] = "Jane Doe" },
    };

    [Fact]
    public void A_draft_whose_values_fit_has_no_problem()
    {
        var draft = Draft(new CustomerIdentifier(new string('t', TouchpointLimits.IdentifierTypeLength), new string('v', TouchpointLimits.IdentifierValueLength))) with
        {
            SourceEventId = new string('s', TouchpointLimits.SourceEventIdLength),
            Type = new string('t', TouchpointLimits.TypeLength),
            ProfileFacts = new Dictionary<string, string> { [new string('f', TouchpointLimits.ProfileFactNameLength)] = "x" },
        };

        Assert.Null(TouchpointLimits.Exceeded(draft));
        Assert.Null(TouchpointLimits.IdentityExceeded(draft));
    }

    [Fact]
    public void An_identity_value_one_character_too_long_is_named_with_its_index_and_the_limit()
    {
        var draft = Draft(CustomerIdentifier.Email("jane@example.org"), new CustomerIdentifier("shop:user", new string('v', TouchpointLimits.IdentifierValueLength + 1)));

        Assert.Equal("'data.identities[1].value' is 321 characters long; the hub stores at most 320.", TouchpointLimits.IdentityExceeded(draft, "data."));
        Assert.Null(TouchpointLimits.Exceeded(draft));
    }

    [Fact]
    public void An_identity_type_too_long_is_named_with_the_limit()
    {
        var draft = Draft(new CustomerIdentifier(new string('t', TouchpointLimits.IdentifierTypeLength + 1), "42"));

        Assert.Equal("'identities[0].type' is 101 characters long; the hub stores at most 100.", TouchpointLimits.IdentityExceeded(draft));
    }

    [Fact]
    public void Surrounding_white_space_of_an_identity_does_not_count()
    {
        var draft = Draft(new CustomerIdentifier(" email ", "  " + new string('v', TouchpointLimits.IdentifierValueLength) + "  "));

        Assert.Null(TouchpointLimits.IdentityExceeded(draft));
    }

    [Fact]
    public void A_touchpoint_type_too_long_is_named_with_the_limit()
    {
        var draft = Draft() with { Type = new string('t', TouchpointLimits.TypeLength + 1) };

        Assert.Equal("'data.type' is 101 characters long; the hub stores at most 100.", TouchpointLimits.Exceeded(draft, "data."));
    }

    [Fact]
    public void A_source_event_id_too_long_is_named_with_the_limit()
    {
        var draft = Draft() with { SourceEventId = new string('s', TouchpointLimits.SourceEventIdLength + 1) };

        Assert.Equal("'sourceEventId' is 301 characters long; the hub stores at most 300.", TouchpointLimits.Exceeded(draft));
    }

    [Fact]
    public void A_channel_too_long_is_named_with_the_limit()
    {
        var draft = Draft() with { Channel = new string('c', TouchpointLimits.ChannelLength + 1) };

        Assert.Equal("'channel' is 21 characters long; the hub stores at most 20.", TouchpointLimits.Exceeded(draft));
    }

    [Fact]
    public void A_profile_fact_name_too_long_is_named_by_its_start_and_the_limit()
    {
        var name = "loyalty" + new string('x', TouchpointLimits.ProfileFactNameLength);
        var draft = Draft() with { ProfileFacts = new Dictionary<string, string> { ["name"] = "Jane", [name] = "gold" } };

        var problem = TouchpointLimits.Exceeded(draft);

        Assert.Equal($"The profile fact name starting '{name[..40]}' is 207 characters long; the hub stores at most 200.", problem);
    }
}
