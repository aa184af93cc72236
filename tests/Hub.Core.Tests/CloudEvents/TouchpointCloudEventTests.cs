using System.Net.Mime;
using System.Text;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using Hub.Contracts.CloudEvents;
using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;

namespace Hub.Core.Tests.CloudEvents;

/// <summary>An outside consumer reads the hub's touchpoint CloudEvent with the official CloudEvents SDK.</summary>
public sealed class TouchpointCloudEventTests
{
    private static readonly TouchpointReceived Touchpoint = new()
    {
        TouchpointId = TouchpointIds.From("crm-main", "evt-8421"),
        ConnectorInstanceId = "crm-main",
        SourceEventId = "evt-8421",
        Channel = TouchpointChannels.Crm,
        Type = "crm.contact.updated",
        // A local offset on purpose: the event's time is the same instant, written in UTC.
        OccurredAt = new DateTimeOffset(2025, 3, 14, 10, 26, 53, 120, TimeSpan.FromHours(1)),
        ReceivedAt = new DateTimeOffset(2025, 3, 14, 9, 27, 0, TimeSpan.Zero),
        Direction = TouchpointDirection.Inbound,
        Identities = [CustomerIdentifier.Email("jane.doe@example.org"), CustomerIdentifier.Phone("+12015550123")],
        ProfileFacts = new Dictionary<string, string> { ["name"] = "Jane Doe", ["company"] = "Example Org Ltd" },
        Summary = "Contact updated",
        ContentReference = "https://crm.example.com/contacts/8421",
    };

    private static CloudEvent Decode(TouchpointReceived touchpoint)
    {
        var bytes = Encoding.UTF8.GetBytes(TouchpointCloudEvent.ToStructuredJson(touchpoint).ToJsonString());
        return new JsonEventFormatter().DecodeStructuredModeMessage(
            bytes, new ContentType(TouchpointCloudEvent.StructuredMediaType), extensionAttributes: null);
    }

    [Fact]
    public void CloudEvents_SDK_reads_the_context_attributes_of_a_touchpoint()
    {
        var cloudEvent = Decode(Touchpoint);

        Assert.Equal(CloudEventsSpecVersion.V1_0, cloudEvent.SpecVersion);
        Assert.Equal(Touchpoint.TouchpointId.ToString(), cloudEvent.Id);
        Assert.Equal(new Uri("urn:hub:connector:crm-main"), cloudEvent.Source);
        Assert.Equal("io.hub.touchpoint", cloudEvent.Type);
        Assert.Equal(Touchpoint.OccurredAt, cloudEvent.Time);
        Assert.Equal(TimeSpan.Zero, cloudEvent.Time!.Value.Offset);
        Assert.Equal("crm.contact.updated", cloudEvent.Subject);
        Assert.Equal("application/json", cloudEvent.DataContentType);
        Assert.True(cloudEvent.IsValid);
    }

    [Fact]
    public void CloudEvents_SDK_reads_the_touchpoint_data()
    {
        var cloudEvent = Decode(Touchpoint);

        var element = Assert.IsType<JsonElement>(cloudEvent.Data);
        var data = element.Deserialize<TouchpointCloudEventData>(JsonSerializerOptions.Web);

        Assert.NotNull(data);
        Assert.Equal("crm", data.Channel);
        Assert.Equal("crm.contact.updated", data.Type);
        Assert.Equal("inbound", data.Direction);
        Assert.Equal(Touchpoint.Identities, data.Identities);
        Assert.Equal(Touchpoint.ProfileFacts.OrderBy(f => f.Key), data.Profile!.OrderBy(f => f.Key));
        Assert.Equal("Contact updated", data.Summary);
        Assert.Equal("https://crm.example.com/contacts/8421", data.ContentReference);
        Assert.Equal("evt-8421", data.SourceEventId);
        Assert.Equal("crm-main", data.ConnectorInstanceId);
    }

    [Fact]
    public void Touchpoint_data_uses_the_documented_member_names()
    {
        var element = Assert.IsType<JsonElement>(Decode(Touchpoint).Data);

        var identity = element.GetProperty("identities")[0];
        Assert.Equal("email", identity.GetProperty("type").GetString());
        Assert.Equal("jane.doe@example.org", identity.GetProperty("value").GetString());
        Assert.Equal("Jane Doe", element.GetProperty("profile").GetProperty("name").GetString());
        Assert.Equal("inbound", element.GetProperty("direction").GetString());
        Assert.Equal("crm", element.GetProperty("channel").GetString());
    }

    [Fact]
    public void Two_touchpoints_have_different_CloudEvent_ids_and_the_same_event_keeps_its_id()
    {
        var other = Touchpoint with { SourceEventId = "evt-8422", TouchpointId = TouchpointIds.From("crm-main", "evt-8422") };

        Assert.NotEqual(Decode(Touchpoint).Id, Decode(other).Id);
        Assert.Equal(Decode(Touchpoint).Id, Decode(Touchpoint with { ReceivedAt = DateTimeOffset.UnixEpoch }).Id);
    }
}
