using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;
using static Hub.Connectors.Webhooks.Tests.WebhooksTestKit;

namespace Hub.Connectors.Webhooks.Tests.Inbound;

/// <summary>Segment Spec calls (the shared samples and variants) to touchpoint drafts.</summary>
public sealed class SegmentMappingTests
{
    /// <summary>User ids are typed by the instance: <c>&lt;instance id, lower case&gt;:user</c>.</summary>
    private const string UserIdType = "crm-main:user";

    [Fact]
    public async Task Identify_sample_becomes_one_touchpoint_with_its_message_id()
    {
        var touchpoint = Assert.Single(await AcceptedAsync(Signed(Sample("segment-identify.json"))));

        Assert.Equal("3f8c2a71-6b1e-4d9a-8f0c-2e5b7d9a1c44", touchpoint.SourceEventId);
        Assert.Equal("profile.identified", touchpoint.Type);
        Assert.Equal(TouchpointChannels.Crm, touchpoint.Channel);
        Assert.Equal(TouchpointDirection.None, touchpoint.Direction);
        Assert.Equal(DateTimeOffset.Parse("2025-03-14T09:20:00.150Z", System.Globalization.CultureInfo.InvariantCulture), touchpoint.OccurredAt);
    }

    [Fact]
    public async Task Identify_sample_carries_email_phone_and_the_user_id_typed_by_the_instance()
    {
        var touchpoint = Assert.Single(await AcceptedAsync(Signed(Sample("segment-identify.json"))));

        Assert.Equal(3, touchpoint.Identities.Count);
        Assert.Contains(CustomerIdentifier.Email("jane.doe@example.org"), touchpoint.Identities);
        Assert.Contains(CustomerIdentifier.Phone("+1 555 0100"), touchpoint.Identities);
        Assert.Contains(new CustomerIdentifier(UserIdType, "crm-contact-8421"), touchpoint.Identities);
    }

    [Fact]
    public async Task Identify_sample_traits_become_profile_facts()
    {
        var facts = Assert.Single(await AcceptedAsync(Signed(Sample("segment-identify.json")))).ProfileFacts;

        Assert.Equal("Jane Doe", facts["name"]);
        Assert.Equal("Jane", facts["firstName"]);
        Assert.Equal("Doe", facts["lastName"]);
        Assert.Equal("Head of Operations", facts["title"]);
        Assert.Equal("Example Org Ltd", facts["company"]);
        Assert.Equal("Springfield", facts["address.city"]);
        Assert.Equal("62701", facts["address.postalCode"]);
        Assert.Equal("gold", facts["loyaltyTier"]);
    }

    [Fact]
    public async Task Nested_snake_case_reserved_traits_are_camel_cased()
    {
        var facts = Assert.Single(await AcceptedAsync(Signed(Sample("segment-identify.json")))).ProfileFacts;

        Assert.Equal("120", facts["company.employeeCount"]);
        Assert.False(facts.ContainsKey("company.employee_count"));
    }

    [Fact]
    public async Task Snake_case_first_and_last_name_become_camel_case_facts()
    {
        const string Body = """{"type":"identify","userId":"u-1","traits":{"first_name":"Jane","last_name":"Doe"}}""";

        var facts = Assert.Single(await AcceptedAsync(Signed(Body))).ProfileFacts;

        Assert.Equal("Jane", facts["firstName"]);
        Assert.Equal("Doe", facts["lastName"]);
        Assert.Equal("Jane Doe", facts["name"]);
        Assert.False(facts.ContainsKey("first_name"));
    }

    [Fact]
    public async Task A_first_name_alone_updates_the_first_name_and_leaves_the_name_alone()
    {
        const string Body = """{"type":"identify","userId":"u-1","traits":{"firstName":"Janet"}}""";

        var facts = Assert.Single(await AcceptedAsync(Signed(Body))).ProfileFacts;

        Assert.Equal("Janet", facts["firstName"]);
        Assert.False(facts.ContainsKey("name"));
        Assert.False(facts.ContainsKey("lastName"));
    }

    [Fact]
    public async Task Instance_channel_is_the_channel_of_profile_calls()
    {
        var instance = Instance(("Secret", SecretA), ("Channel", "email"));

        var touchpoint = Assert.Single(await AcceptedAsync(Signed(Sample("segment-identify.json")), instance));

        Assert.Equal(TouchpointChannels.Email, touchpoint.Channel);
    }

    [Fact]
    public async Task Track_sample_is_an_event_named_in_its_summary()
    {
        var touchpoint = Assert.Single(await AcceptedAsync(Signed(Sample("segment-track.json"))));

        Assert.Equal("event.tracked", touchpoint.Type);
        Assert.Equal("Order Completed", touchpoint.Summary);
        Assert.Equal("ajs-next-1742030000150-7c2d9e1a-4b6f-4e3a-9d8c-5f1e2a3b4c5d", touchpoint.SourceEventId);
        Assert.Equal(TouchpointDirection.Inbound, touchpoint.Direction);
        Assert.Equal(DateTimeOffset.Parse("2025-03-14T09:33:20.810Z", System.Globalization.CultureInfo.InvariantCulture), touchpoint.OccurredAt);
    }

    [Fact]
    public async Task Track_sample_takes_identity_from_context_traits()
    {
        var touchpoint = Assert.Single(await AcceptedAsync(Signed(Sample("segment-track.json"))));

        Assert.Equal(
            [new CustomerIdentifier(UserIdType, "crm-contact-8421"), CustomerIdentifier.Email("jane.doe@example.org")],
            touchpoint.Identities);
        Assert.Equal("Jane Doe", touchpoint.ProfileFacts["name"]);
    }

    [Fact]
    public async Task Track_with_only_context_traits_is_identified_by_them()
    {
        const string Body = """{"type":"track","event":"Signed Up","context":{"traits":{"phone":"+34 912 345 678"}}}""";

        var touchpoint = Assert.Single(await AcceptedAsync(Signed(Body)));

        Assert.Equal([CustomerIdentifier.Phone("+34 912 345 678")], touchpoint.Identities);
    }

    [Fact]
    public async Task An_identify_with_traits_of_its_own_still_takes_the_email_and_facts_of_its_context_traits()
    {
        const string Body = """{"type":"identify","userId":"u-77","traits":{"plan":"pro","name":"Own Name"},"context":{"traits":{"email":"ctx@example.com","name":"Context Name","title":"CTO"}}}""";

        var touchpoint = Assert.Single(await AcceptedAsync(Signed(Body)));

        Assert.Equal([new CustomerIdentifier(UserIdType, "u-77"), CustomerIdentifier.Email("ctx@example.com")], touchpoint.Identities);
        Assert.Equal("pro", touchpoint.ProfileFacts["plan"]);
        Assert.Equal("CTO", touchpoint.ProfileFacts["title"]);
        Assert.Equal("Own Name", touchpoint.ProfileFacts["name"]);
    }

    [Fact]
    public async Task A_track_with_empty_traits_is_identified_by_its_context_traits()
    {
        const string Body = """{"type":"track","event":"Signed Up","traits":{},"context":{"traits":{"email":"ctx@example.com"}}}""";

        var touchpoint = Assert.Single(await AcceptedAsync(Signed(Body)));

        Assert.Equal([CustomerIdentifier.Email("ctx@example.com")], touchpoint.Identities);
    }

    [Fact]
    public async Task Consent_traits_for_a_channel_the_hub_does_not_keep_are_refused_naming_the_trait()
    {
        const string Body = """{"type":"identify","userId":"u-78","traits":{"consent":{"fax":"denied","email":{"newsletter":"denied"}}}}""";

        var rejection = await RejectedAsync(Signed(Body));

        Assert.Equal(400, rejection.StatusCode);
        Assert.Contains("traits.consent.", rejection.Detail, StringComparison.Ordinal);
        Assert.Contains("names no consent the hub keeps", rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batch_sample_becomes_four_touchpoints_in_order()
    {
        var touchpoints = await AcceptedAsync(Signed(Sample("segment-batch.json")));

        Assert.Equal(
            ["profile.identified", "event.tracked", "profile.grouped", "web.page.viewed"],
            touchpoints.Select(t => t.Type));
        Assert.Equal(
            ["0c9f2d4e-1111-4a2b-9c3d-000000000001", "0c9f2d4e-1111-4a2b-9c3d-000000000002",
             "0c9f2d4e-1111-4a2b-9c3d-000000000003", "0c9f2d4e-1111-4a2b-9c3d-000000000004"],
            touchpoints.Select(t => t.SourceEventId));
    }

    [Fact]
    public async Task Batch_sample_page_view_is_on_the_web_channel()
    {
        var touchpoints = await AcceptedAsync(Signed(Sample("segment-batch.json")));

        Assert.Equal(
            [TouchpointChannels.Crm, TouchpointChannels.Crm, TouchpointChannels.Crm, TouchpointChannels.Web],
            touchpoints.Select(t => t.Channel));
        Assert.Equal("Viewed Pricing", touchpoints[3].Summary);
        Assert.Empty(touchpoints[3].Identities);
    }

    [Fact]
    public async Task Batch_sample_keeps_each_call_s_own_facts_and_times()
    {
        var touchpoints = await AcceptedAsync(Signed(Sample("segment-batch.json")));

        Assert.Equal("Bob Roe", touchpoints[0].ProfileFacts["name"]);
        Assert.Contains(CustomerIdentifier.Email("bob.roe@example.net"), touchpoints[0].Identities);
        Assert.Equal("Ticket Opened", touchpoints[1].Summary);
        Assert.Equal("Example Net Inc", touchpoints[2].ProfileFacts["company"]);
        // Group traits describe the company, not the person: its e-mail or phone would be wrong identities.
        Assert.Equal([new CustomerIdentifier(UserIdType, "crm-contact-9002")], touchpoints[2].Identities);
        Assert.Equal(
            DateTimeOffset.Parse("2025-03-17T19:05:00.000Z", System.Globalization.CultureInfo.InvariantCulture),
            touchpoints[3].OccurredAt);
    }

    [Fact]
    public async Task JSON_array_of_calls_is_accepted_as_a_batch()
    {
        const string Body = """
            [
              {"type":"identify","messageId":"a-1","userId":"u-1","traits":{"email":"jane.doe@example.org"}},
              {"type":"track","messageId":"a-2","userId":"u-1","event":"Order Completed"}
            ]
            """;

        var touchpoints = await AcceptedAsync(Signed(Body));

        Assert.Equal(["a-1", "a-2"], touchpoints.Select(t => t.SourceEventId));
        Assert.Equal(["profile.identified", "event.tracked"], touchpoints.Select(t => t.Type));
    }

    [Fact]
    public async Task Call_without_message_id_takes_the_webhook_id()
    {
        const string Body = """{"type":"identify","userId":"u-1"}""";

        var touchpoint = Assert.Single(await AcceptedAsync(Signed(Body, messageId: "msg_delivery_42")));

        Assert.Equal("msg_delivery_42", touchpoint.SourceEventId);
    }

    [Fact]
    public async Task Batch_items_without_message_id_take_the_webhook_id_and_their_index()
    {
        const string Body = """{"batch":[{"type":"identify","userId":"u-1"},{"type":"track","messageId":"own-id","userId":"u-1","event":"E"},{"type":"page","anonymousId":"anon-1"}]}""";

        var touchpoints = await AcceptedAsync(Signed(Body, messageId: "msg_delivery_42"));

        Assert.Equal(["msg_delivery_42:0", "own-id", "msg_delivery_42:2"], touchpoints.Select(t => t.SourceEventId));
    }

    [Fact]
    public async Task Array_items_without_message_id_take_the_webhook_id_and_their_index()
    {
        const string Body = """[{"type":"identify","userId":"u-1"},{"type":"identify","userId":"u-2"}]""";

        var touchpoints = await AcceptedAsync(Signed(Body, messageId: "msg_delivery_43"));

        Assert.Equal(["msg_delivery_43:0", "msg_delivery_43:1"], touchpoints.Select(t => t.SourceEventId));
    }

    [Fact]
    public async Task Call_without_timestamp_happened_when_it_was_received()
    {
        const string Body = """{"type":"identify","userId":"u-1"}""";

        var touchpoint = Assert.Single(await AcceptedAsync(Signed(Body)));

        Assert.Equal(Now, touchpoint.OccurredAt);
    }

    [Fact]
    public async Task Anonymous_call_is_accepted_without_identities()
    {
        const string Body = """{"type":"page","anonymousId":"anon-1","properties":{"url":"https://www.example.com/"}}""";

        var touchpoint = Assert.Single(await AcceptedAsync(Signed(Body)));

        Assert.Empty(touchpoint.Identities);
        Assert.Equal("Viewed https://www.example.com/", touchpoint.Summary);
    }

    [Fact]
    public async Task Alias_is_on_the_user_ids_customer_and_names_the_previous_id_without_claiming_it()
    {
        const string Body = """{"type":"alias","messageId":"al-1","previousId":"old-crm-id-17","userId":"crm-contact-8421"}""";

        var touchpoint = Assert.Single(await AcceptedAsync(Signed(Body)));

        Assert.Equal("profile.aliased", touchpoint.Type);
        Assert.Equal([new CustomerIdentifier(UserIdType, "crm-contact-8421")], touchpoint.Identities);
        Assert.Equal("Also known as old-crm-id-17", touchpoint.Summary);
    }

    [Fact]
    public async Task Content_type_with_charset_is_read()
    {
        Assert.Single(await AcceptedAsync(Signed(Sample("segment-identify.json"), contentType: "application/json; charset=utf-8")));
    }
}
