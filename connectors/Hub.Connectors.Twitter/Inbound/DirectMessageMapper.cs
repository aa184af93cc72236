using System.Text.Json;
using Hub.Contracts.Touchpoints;

namespace Hub.Connectors.Twitter.Inbound;

/// <summary>
/// A <c>message_create</c> in <c>direct_message_events</c>: from someone else, an inbound DM of the sender; from the
/// account (typed in X, or sent by the hub: then its echo, on the same source event id), an outbound DM of the recipient.
/// </summary>
internal static class DirectMessageMapper
{
    public static TouchpointDraft? Map(JsonElement message, JsonElement users, string accountUserId)
    {
        if (EventFields.OptionalText(message, "type") != "message_create")
        {
            return null;
        }
        var create = message.GetProperty("message_create");
        var sender = EventFields.Text(create, "sender_id");
        var recipient = EventFields.Text(create.GetProperty("target"), "recipient_id");
        var own = sender == accountUserId;
        var customer = own ? recipient : sender;
        var profile = users.ValueKind == JsonValueKind.Object && users.TryGetProperty(customer, out var user) ? user : default;
        return new TouchpointDraft
        {
            SourceEventId = $"dm:{EventFields.Text(message, "id")}",
            Channel = TouchpointChannels.Social,
            Type = own ? "social.dm.sent" : "social.dm.received",
            OccurredAt = EventFields.Milliseconds(message, "created_timestamp"),
            Direction = own ? TouchpointDirection.Outbound : TouchpointDirection.Inbound,
            Identities = [EventFields.Person(customer)],
            ProfileFacts = EventFields.Profile(EventFields.OptionalText(profile, "screen_name"), EventFields.OptionalText(profile, "name")),
            Summary = EventFields.Summary(EventFields.Text(create.GetProperty("message_data"), "text")),
        };
    }
}
