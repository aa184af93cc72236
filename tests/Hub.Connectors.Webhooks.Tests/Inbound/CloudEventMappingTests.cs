using System.Globalization;
using System.Text.Json.Nodes;
using Hub.Contracts.CloudEvents;
using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;
using static Hub.Connectors.Webhooks.Tests.WebhooksTestKit;

namespace Hub.Connectors.Webhooks.Tests.Inbound;

/// <summary>Touchpoint CloudEvents (<c>type: io.hub.touchpoint</c>) in structured and batched JSON mode.</summary>
public sealed class CloudEventMappingTests
{
    private const string StructuredType = "application/cloudevents+json";
    private const string BatchType = "application/cloudevents-batch+json";

    private static JsonObject TouchpointEvent(string id = "ce-8421", string time = "2025-03-14T09:26:53.120Z") => new()
    {
        ["specversion"] = "1.0",
        ["type"] = "io.hub.touchpoint",
        ["source"] = "https://crm.example.com/tenants/acme",
        ["id"] = id,
        ["time"] = time,
        ["datacontenttype"] = "application/json",
        ["data"] = new JsonObject
        {
            ["channel"] = "email",
            ["type"] = "email.received",
            ["direction"] = "inbound",
            ["identities"] = new JsonArray
            {
                new JsonObject { ["type"] = "email", ["value"] = "jane.doe@example.org" },
                new JsonObject { ["type"] = "salesforce:contact", ["value"] = "0035g00000AbCdE" },
            },
            ["profile"] = new JsonObject { ["name"] = "Jane Doe", ["company"] = "Example Org Ltd" },
            ["summary"] = "Order 10452 arrived damaged",
        },
    };

    [Fact]
    public async Task Structured_touchpoint_event_becomes_one_touchpoint()
    {
        var touchpoint = Assert.Single(await AcceptedAsync(Signed(TouchpointEvent().ToJsonString(), StructuredType)));

        Assert.Equal("https://crm.example.com/tenants/acme ce-8421", touchpoint.SourceEventId);
        Assert.Equal(DateTimeOffset.Parse("2025-03-14T09:26:53.120Z", CultureInfo.InvariantCulture), touchpoint.OccurredAt);
        Assert.Equal(TouchpointChannels.Email, touchpoint.Channel);
        Assert.Equal("email.received", touchpoint.Type);
        Assert.Equal(TouchpointDirection.Inbound, touchpoint.Direction);
        Assert.Equal(
            [CustomerIdentifier.Email("jane.doe@example.org"), new CustomerIdentifier("salesforce:contact", "0035g00000AbCdE")],
            touchpoint.Identities);
        Assert.Equal("Jane Doe", touchpoint.ProfileFacts["name"]);
        Assert.Equal("Example Org Ltd", touchpoint.ProfileFacts["company"]);
        Assert.Equal("Order 10452 arrived damaged", touchpoint.Summary);
    }

    [Fact]
    public async Task Structured_event_with_charset_parameter_is_read()
    {
        Assert.Single(await AcceptedAsync(Signed(TouchpointEvent().ToJsonString(), "application/cloudevents+json; charset=UTF-8")));
    }

    [Fact]
    public async Task Structured_event_sent_as_plain_JSON_is_recognised_by_specversion()
    {
        var touchpoint = Assert.Single(await AcceptedAsync(Signed(TouchpointEvent().ToJsonString(), "application/json")));

        Assert.Equal("https://crm.example.com/tenants/acme ce-8421", touchpoint.SourceEventId);
    }

    [Fact]
    public async Task Batch_of_touchpoint_events_becomes_touchpoints_in_order()
    {
        var batch = new JsonArray { TouchpointEvent("ce-1", "2025-03-14T09:00:00Z"), TouchpointEvent("ce-2", "2025-03-14T10:00:00+01:00") };

        var touchpoints = await AcceptedAsync(Signed(batch.ToJsonString(), BatchType));

        Assert.Equal(
            ["https://crm.example.com/tenants/acme ce-1", "https://crm.example.com/tenants/acme ce-2"],
            touchpoints.Select(t => t.SourceEventId));
        Assert.All(touchpoints, t => Assert.Equal(new DateTimeOffset(2025, 3, 14, 9, 0, 0, TimeSpan.Zero), t.OccurredAt));
    }

    [Fact]
    public async Task Batch_of_touchpoint_events_sent_as_plain_JSON_is_recognised_by_specversion()
    {
        var batch = new JsonArray { TouchpointEvent("ce-1", "2025-03-14T09:00:00Z"), TouchpointEvent("ce-2", "2025-03-14T09:00:00Z") };

        var touchpoints = await AcceptedAsync(Signed(batch.ToJsonString(), "application/json"));

        Assert.Equal(2, touchpoints.Count);
    }

    [Fact]
    public async Task Event_without_time_happened_when_it_was_received()
    {
        var ce = TouchpointEvent();
        ce.Remove("time");

        var touchpoint = Assert.Single(await AcceptedAsync(Signed(ce.ToJsonString(), StructuredType)));

        Assert.Equal(Now, touchpoint.OccurredAt);
    }

    [Fact]
    public async Task Event_without_channel_takes_the_instance_channel()
    {
        var ce = TouchpointEvent();
        ce["data"]!.AsObject().Remove("channel");
        var instance = Instance(("Secret", SecretA), ("Channel", "sms"));

        var touchpoint = Assert.Single(await AcceptedAsync(Signed(ce.ToJsonString(), StructuredType), instance));

        Assert.Equal(TouchpointChannels.Sms, touchpoint.Channel);
    }

    [Fact]
    public async Task The_hub_reads_its_own_touchpoint_CloudEvent()
    {
        var original = new TouchpointReceived
        {
            TouchpointId = TouchpointIds.From("other-hub", "evt-1"),
            ConnectorInstanceId = "other-hub",
            SourceEventId = "evt-1",
            Channel = TouchpointChannels.Phone,
            Type = "call.completed",
            OccurredAt = new DateTimeOffset(2025, 3, 14, 8, 0, 0, TimeSpan.Zero),
            ReceivedAt = new DateTimeOffset(2025, 3, 14, 8, 0, 5, TimeSpan.Zero),
            Direction = TouchpointDirection.Outbound,
            Identities = [CustomerIdentifier.Phone("+12015550123")],
            ProfileFacts = new Dictionary<string, string> { ["name"] = "Jane Doe" },
            Summary = "Called back about order 10452",
            ContentReference = "https://voice.example.com/calls/CA123",
        };

        var touchpoint = Assert.Single(await AcceptedAsync(
            Signed(TouchpointCloudEvent.ToStructuredJson(original).ToJsonString(), TouchpointCloudEvent.StructuredMediaType)));

        Assert.Equal($"urn:hub:connector:other-hub {original.TouchpointId}", touchpoint.SourceEventId);
        Assert.Equal(original.OccurredAt, touchpoint.OccurredAt);
        Assert.Equal(original.Channel, touchpoint.Channel);
        Assert.Equal(original.Type, touchpoint.Type);
        Assert.Equal(original.Direction, touchpoint.Direction);
        Assert.Equal(original.Identities, touchpoint.Identities);
        Assert.Equal("Jane Doe", touchpoint.ProfileFacts["name"]);
        Assert.Equal(original.Summary, touchpoint.Summary);
        Assert.Equal(original.ContentReference, touchpoint.ContentReference);
    }

    [Fact]
    public async Task Structured_sample_of_another_event_type_is_rejected_naming_the_expected_type()
    {
        var rejection = await RejectedAsync(Signed(Sample("cloudevent-structured.json"), StructuredType));

        Assert.Equal(400, rejection.StatusCode);
        Assert.Contains("\"io.hub.touchpoint\"", rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batch_sample_of_other_event_types_is_rejected_whole()
    {
        var rejection = await RejectedAsync(Signed(Sample("cloudevent-batch.json"), BatchType));

        Assert.Equal(400, rejection.StatusCode);
        Assert.Contains("event [0]", rejection.Detail, StringComparison.Ordinal);
        Assert.Contains("io.hub.touchpoint", rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batch_with_one_bad_event_is_rejected_whole_naming_it()
    {
        var bad = TouchpointEvent("ce-3");
        bad.Remove("source");
        var batch = new JsonArray { TouchpointEvent("ce-1"), TouchpointEvent("ce-2"), bad };

        var rejection = await RejectedAsync(Signed(batch.ToJsonString(), BatchType));

        Assert.Equal(400, rejection.StatusCode);
        Assert.Contains("event [2]", rejection.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("id")]
    [InlineData("source")]
    public async Task Event_without_id_or_source_is_rejected_with_400(string attribute)
    {
        var ce = TouchpointEvent();
        ce.Remove(attribute);

        var rejection = await RejectedAsync(Signed(ce.ToJsonString(), StructuredType));

        Assert.Equal(400, rejection.StatusCode);
        Assert.Contains("'id' and 'source' are required", rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Event_with_data_base64_is_rejected_with_400()
    {
        var ce = TouchpointEvent();
        ce.Remove("data");
        ce["datacontenttype"] = "application/octet-stream";
        ce["data_base64"] = "eyJ0eXBlIjoiZW1haWwucmVjZWl2ZWQifQ==";

        var rejection = await RejectedAsync(Signed(ce.ToJsonString(), StructuredType));

        Assert.Equal(400, rejection.StatusCode);
        Assert.Contains("data_base64", rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Event_of_another_spec_version_is_rejected_with_400()
    {
        var ce = TouchpointEvent();
        ce["specversion"] = "0.3";

        var rejection = await RejectedAsync(Signed(ce.ToJsonString(), StructuredType));

        Assert.Equal(400, rejection.StatusCode);
        Assert.Contains("'specversion'", rejection.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("channel", "fax", "'data.channel'")]
    [InlineData("direction", "sideways", "'data.direction'")]
    [InlineData("type", "", "'data.type'")]
    public async Task Event_with_bad_touchpoint_data_is_rejected_naming_the_member(string member, string value, string named)
    {
        var ce = TouchpointEvent();
        ce["data"]![member] = value;

        var rejection = await RejectedAsync(Signed(ce.ToJsonString(), StructuredType));

        Assert.Equal(400, rejection.StatusCode);
        Assert.Contains(named, rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Event_with_a_time_that_is_not_a_timestamp_is_rejected_with_400()
    {
        var rejection = await RejectedAsync(Signed(TouchpointEvent(time: "soon").ToJsonString(), StructuredType));

        Assert.Equal(400, rejection.StatusCode);
        Assert.Contains("'time'", rejection.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("consent.sms", "maybe")]
    [InlineData("consent.email.marketing", "yes please")]
    [InlineData("consent.sms", "no")]
    public async Task Event_with_a_consent_fact_that_is_no_status_is_rejected_naming_it(string fact, string value)
    {
        var ce = TouchpointEvent();
        ce["data"]!["profile"] = new JsonObject { ["name"] = "Jane Doe", ["consent.email"] = "granted", [fact] = value };

        var rejection = await RejectedAsync(Signed(ce.ToJsonString(), StructuredType));

        Assert.Equal(400, rejection.StatusCode);
        Assert.Contains($"'{fact}'", rejection.Detail, StringComparison.Ordinal);
        Assert.Contains("granted, denied, revoked", rejection.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("consent.fax")]
    [InlineData("consent.email.newsletter")]
    [InlineData("consent.sms.marketing.extra")]
    [InlineData("consent.*")]
    [InlineData("consent.")]
    public async Task Event_with_a_consent_fact_the_hub_does_not_act_on_is_rejected_naming_it(string fact)
    {
        var ce = TouchpointEvent();
        ce["data"]!["profile"] = new JsonObject { [fact] = "denied" };

        var rejection = await RejectedAsync(Signed(ce.ToJsonString(), StructuredType));

        Assert.Equal(400, rejection.StatusCode);
        Assert.Contains($"'{fact}' names no consent the hub keeps", rejection.Detail, StringComparison.Ordinal);
        Assert.Contains("email, sms, phone, social", rejection.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("consent.social")]
    [InlineData("consent.phone.service")]
    [InlineData("consent.*.marketing")]
    public async Task Event_consent_facts_for_a_channel_a_purpose_or_every_channel_are_taken(string fact)
    {
        var ce = TouchpointEvent();
        ce["data"]!["profile"] = new JsonObject { [fact] = "denied" };

        var facts = Assert.Single(await AcceptedAsync(Signed(ce.ToJsonString(), StructuredType))).ProfileFacts;

        Assert.Equal("denied", facts[fact]);
    }

    [Fact]
    public async Task Batch_with_one_bad_consent_fact_is_rejected_whole()
    {
        var bad = TouchpointEvent("ce-2");
        bad["data"]!["profile"] = new JsonObject { ["consent.sms"] = "opted-out" };

        var rejection = await RejectedAsync(Signed(new JsonArray { TouchpointEvent("ce-1"), bad }.ToJsonString(), BatchType));

        Assert.Equal(400, rejection.StatusCode);
        Assert.Contains("event [1]", rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Event_consent_facts_are_stored_as_a_status()
    {
        var ce = TouchpointEvent();
        ce["data"]!["profile"] = new JsonObject { ["consent.sms"] = "Denied", ["consent.email.marketing"] = "true", ["consent.phone"] = "false" };

        var facts = Assert.Single(await AcceptedAsync(Signed(ce.ToJsonString(), StructuredType))).ProfileFacts;

        Assert.Equal("denied", facts["consent.sms"]);
        Assert.Equal("granted", facts["consent.email.marketing"]);
        Assert.Equal("denied", facts["consent.phone"]);
    }

    [Fact]
    public async Task Batch_media_type_with_one_event_object_is_rejected_with_400()
    {
        var rejection = await RejectedAsync(Signed(TouchpointEvent().ToJsonString(), BatchType));

        Assert.Equal(400, rejection.StatusCode);
        Assert.Contains("JSON array of events", rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Structured_media_type_with_an_array_is_rejected_with_400()
    {
        var rejection = await RejectedAsync(Signed(new JsonArray { TouchpointEvent() }.ToJsonString(), StructuredType));

        Assert.Equal(400, rejection.StatusCode);
        Assert.Contains("one event, a JSON object", rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_source_with_a_space_is_refused_so_two_events_never_share_a_key()
    {
        // Without the check, source "https://a.example/q r" + id "s" and source "https://a.example/q" + id "r s" were one key.
        var spaced = TouchpointEvent(id: "s");
        spaced["source"] = "https://a.example/q r";

        var rejection = await RejectedAsync(Signed(spaced.ToJsonString(), StructuredType));

        Assert.Equal(400, rejection.StatusCode);
        Assert.Contains("'source' must be a URI-reference", rejection.Detail, StringComparison.Ordinal);
        Assert.Contains("a space at position 19", rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_id_may_hold_spaces_and_keeps_its_key()
    {
        var ce = TouchpointEvent(id: "r s");
        ce["source"] = "https://a.example/q";

        Assert.Equal("https://a.example/q r s", Assert.Single(await AcceptedAsync(Signed(ce.ToJsonString(), StructuredType))).SourceEventId);
    }

    [Theory]
    [InlineData("https://a.example/q\tr", "U+0009")]
    [InlineData("https://a.example/q\u00a0r", "U+00A0")]
    [InlineData("https://a.example/<q>", "'<'")]
    [InlineData("https://a.example/q|r", "'|'")]
    [InlineData("urn:example:50%", "'%' at position 14")]
    [InlineData("urn:example:%zz", "'%' at position 12")]
    public async Task A_source_that_is_no_URI_reference_is_refused_naming_the_character(string source, string named)
    {
        var ce = TouchpointEvent();
        ce["source"] = System.Text.RegularExpressions.Regex.Unescape(source);

        var rejection = await RejectedAsync(Signed(ce.ToJsonString(), StructuredType));

        Assert.Equal(400, rejection.StatusCode);
        Assert.Contains("'source'", rejection.Detail, StringComparison.Ordinal);
        Assert.Contains(named, rejection.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/tenants/acme")]
    [InlineData("urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66")]
    [InlineData("https://a.example/q%20r?x=1#frag")]
    [InlineData("https://bücher.example/q")]
    public async Task URI_references_are_taken_as_source(string source)
    {
        var ce = TouchpointEvent();
        ce["source"] = source;

        Assert.Equal($"{source} ce-8421", Assert.Single(await AcceptedAsync(Signed(ce.ToJsonString(), StructuredType))).SourceEventId);
    }

    [Fact]
    public async Task Binary_mode_source_with_a_space_is_refused_naming_the_header()
    {
        var headers = BinaryHeaders();
        headers["ce-source"] = "https://a.example/q%20r";

        var rejection = await RejectedAsync(Signed(TouchpointEvent()["data"]!.ToJsonString(), "application/json", headers: headers));

        Assert.Equal(400, rejection.StatusCode);
        Assert.Contains("the header ce-source must be a URI-reference", rejection.Detail, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> BinaryHeaders(string type = "io.hub.touchpoint") => new()
    {
        ["ce-specversion"] = "1.0",
        ["ce-type"] = type,
        ["ce-source"] = "https://crm.example.com/tenants/acme",
        ["ce-id"] = "ce-8421",
        ["ce-time"] = "2025-03-14T09:26:53.120Z",
    };

    [Fact]
    public async Task Binary_mode_event_is_read_from_ce_headers_and_the_body_as_data()
    {
        var data = TouchpointEvent()["data"]!.ToJsonString();

        var touchpoint = Assert.Single(await AcceptedAsync(Signed(data, "application/json; charset=utf-8", headers: BinaryHeaders())));

        Assert.Equal("https://crm.example.com/tenants/acme ce-8421", touchpoint.SourceEventId);
        Assert.Equal(DateTimeOffset.Parse("2025-03-14T09:26:53.120Z", CultureInfo.InvariantCulture), touchpoint.OccurredAt);
        Assert.Equal("email.received", touchpoint.Type);
        Assert.Equal(TouchpointDirection.Inbound, touchpoint.Direction);
        Assert.Contains(CustomerIdentifier.Email("jane.doe@example.org"), touchpoint.Identities);
        Assert.Equal("Jane Doe", touchpoint.ProfileFacts["name"]);
    }

    [Fact]
    public async Task Binary_mode_header_values_are_percent_decoded()
    {
        var headers = BinaryHeaders();
        headers["ce-id"] = "Euro%20%E2%82%AC%20%F0%9F%98%80";

        var touchpoint = Assert.Single(await AcceptedAsync(Signed(TouchpointEvent()["data"]!.ToJsonString(), "application/json", headers: headers)));

        Assert.Equal("https://crm.example.com/tenants/acme Euro € 😀", touchpoint.SourceEventId);
    }

    [Theory]
    [InlineData("%C0%A0")]
    [InlineData("%E2%82")]
    [InlineData("50%")]
    public async Task Binary_mode_header_that_is_not_percent_encoded_UTF_8_is_rejected_with_400(string id)
    {
        var headers = BinaryHeaders();
        headers["ce-id"] = id;

        var rejection = await RejectedAsync(Signed(TouchpointEvent()["data"]!.ToJsonString(), "application/json", headers: headers));

        Assert.Equal(400, rejection.StatusCode);
        Assert.Contains("ce-id", rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Binary_mode_event_of_another_type_is_rejected_naming_the_header()
    {
        var rejection = await RejectedAsync(Signed("""{"contactId":"8421"}""", "application/json", headers: BinaryHeaders("com.example.crm.contact.updated")));

        Assert.Equal(400, rejection.StatusCode);
        Assert.Contains("ce-type", rejection.Detail, StringComparison.Ordinal);
        Assert.Contains("io.hub.touchpoint", rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Binary_mode_event_without_ce_id_is_rejected_with_400()
    {
        var headers = BinaryHeaders();
        headers.Remove("ce-id");

        var rejection = await RejectedAsync(Signed(TouchpointEvent()["data"]!.ToJsonString(), "application/json", headers: headers));

        Assert.Equal(400, rejection.StatusCode);
        Assert.Contains("ce-id", rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Binary_mode_body_that_is_not_a_touchpoint_object_is_rejected_with_400()
    {
        var rejection = await RejectedAsync(Signed("[1,2]", "application/json", headers: BinaryHeaders()));

        Assert.Equal(400, rejection.StatusCode);
        Assert.Contains("the body", rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Binary_mode_is_verified_over_the_raw_body()
    {
        var request = Signed(TouchpointEvent()["data"]!.ToJsonString(), "application/json", headers: BinaryHeaders());
        var tampered = request with { Body = System.Text.Encoding.UTF8.GetBytes(TouchpointEvent()["data"]!.ToJsonString().Replace("Jane", "Joan", StringComparison.Ordinal)) };

        var rejection = await RejectedAsync(tampered);

        Assert.Equal(401, rejection.StatusCode);
    }
}
