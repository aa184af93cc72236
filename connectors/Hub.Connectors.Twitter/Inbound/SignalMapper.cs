using System.Text.Json;
using Hub.Contracts.Touchpoints;

namespace Hub.Connectors.Twitter.Inbound;

/// <summary>
/// Lightweight signals of someone else towards the account: a like of one of its posts, a follow or unfollow.
/// The account's own likes and follows say nothing about a customer and bring nothing. A deleted post withdraws
/// the touchpoint of that post: it stays on the timeline, without its text.
/// </summary>
internal static class SignalMapper
{
    public static TouchpointDraft? Favorite(JsonElement favorite, string accountUserId)
    {
        var user = favorite.GetProperty("user");
        var likerId = EventFields.Text(user, "id_str");
        if (likerId == accountUserId)
        {
            return null;
        }
        var post = favorite.GetProperty("favorited_status");
        var postId = EventFields.Text(post, "id_str");
        return new TouchpointDraft
        {
            SourceEventId = $"favorite:{EventFields.Text(favorite, "id")}",
            Channel = TouchpointChannels.Social,
            Type = "social.like",
            OccurredAt = EventFields.Milliseconds(favorite, "timestamp_ms"),
            Direction = TouchpointDirection.Inbound,
            Identities = [EventFields.Person(likerId)],
            ProfileFacts = EventFields.Profile(EventFields.OptionalText(user, "screen_name"), EventFields.OptionalText(user, "name")),
            Summary = "Liked: " + EventFields.Summary(EventFields.Text(post, "text")),
            ContentReference = EventFields.PostUrl(EventFields.OptionalText(post.GetProperty("user"), "screen_name"), postId),
        };
    }

    public static TouchpointDraft? Follow(JsonElement follow, string accountUserId)
    {
        var source = follow.GetProperty("source");
        var sourceId = EventFields.Text(source, "id_str");
        if (sourceId == accountUserId)
        {
            return null;
        }
        var kind = EventFields.Text(follow, "type");
        var target = follow.GetProperty("target");
        var stamp = EventFields.Text(follow, "created_timestamp");
        return new TouchpointDraft
        {
            SourceEventId = $"{kind}:{sourceId}:{EventFields.Text(target, "id_str")}:{stamp}",
            Channel = TouchpointChannels.Social,
            Type = kind == "unfollow" ? "social.unfollow" : "social.follow",
            OccurredAt = EventFields.Milliseconds(follow, "created_timestamp"),
            Direction = TouchpointDirection.Inbound,
            Identities = [EventFields.Person(sourceId)],
            ProfileFacts = EventFields.Profile(EventFields.OptionalText(source, "screen_name"), EventFields.OptionalText(source, "name")),
            Summary = $"{(kind == "unfollow" ? "Unfollowed" : "Followed")} @{EventFields.OptionalText(target, "screen_name")}",
        };
    }

    public static TouchpointDraft Deleted(JsonElement deletion)
    {
        var postId = EventFields.Text(deletion.GetProperty("status"), "id");
        return new TouchpointDraft
        {
            SourceEventId = $"tweet-delete:{postId}",
            Channel = TouchpointChannels.Social,
            Type = "social.post.deleted",
            OccurredAt = EventFields.Milliseconds(deletion, "timestamp_ms"),
            Direction = TouchpointDirection.None,
            Withdraws = $"tweet:{postId}",
        };
    }
}
