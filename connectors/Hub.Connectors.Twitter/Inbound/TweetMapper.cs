using System.Text.Json;
using Hub.Contracts.Touchpoints;

namespace Hub.Connectors.Twitter.Inbound;

/// <summary>
/// A post in <c>tweet_create_events</c>: someone else's mention of, reply to, or retweet of the account is an inbound
/// touchpoint of its author; the account's own reply is an outbound one of the person replied to (the same source
/// event id as the reply the hub sent, so its echo lands once). The account's posts to no one are no touchpoint.
/// </summary>
internal static class TweetMapper
{
    public static TouchpointDraft? Created(JsonElement tweet, string accountUserId)
    {
        var id = EventFields.Text(tweet, "id_str");
        var user = tweet.GetProperty("user");
        var authorId = EventFields.Text(user, "id_str");
        var authorHandle = EventFields.OptionalText(user, "screen_name");
        var text = EventFields.Summary(FullText(tweet));
        var replyTo = EventFields.OptionalText(tweet, "in_reply_to_user_id_str");
        if (authorId == accountUserId)
        {
            return replyTo is null || replyTo == accountUserId ? null : Draft(id, tweet, "social.reply.sent", TouchpointDirection.Outbound, replyTo,
                EventFields.Profile(EventFields.OptionalText(tweet, "in_reply_to_screen_name"), null), text, authorHandle);
        }
        var type = tweet.TryGetProperty("retweeted_status", out var retweeted) && retweeted.ValueKind == JsonValueKind.Object ? "social.retweet"
            : replyTo == accountUserId ? "social.reply"
            : "social.mention";
        return Draft(id, tweet, type, TouchpointDirection.Inbound, authorId,
            EventFields.Profile(authorHandle, EventFields.OptionalText(user, "name")), text, authorHandle);
    }

    /// <summary>A longer post keeps only its first 140 characters in <c>text</c>; the rest is in <c>extended_tweet</c>.</summary>
    private static string FullText(JsonElement tweet) =>
        tweet.TryGetProperty("truncated", out var truncated) && truncated.ValueKind == JsonValueKind.True
            && tweet.TryGetProperty("extended_tweet", out var extended) && EventFields.OptionalText(extended, "full_text") is { } full
            ? full
            : EventFields.Text(tweet, "text");

    private static TouchpointDraft Draft(
        string id, JsonElement tweet, string type, TouchpointDirection direction, string customerId, Dictionary<string, string> facts, string text, string? authorHandle) => new()
        {
            SourceEventId = $"tweet:{id}",
            Channel = TouchpointChannels.Social,
            Type = type,
            OccurredAt = EventFields.CreatedAt(tweet),
            Direction = direction,
            Identities = [EventFields.Person(customerId)],
            ProfileFacts = facts,
            Summary = text,
            ContentReference = EventFields.PostUrl(authorHandle, id),
        };
}
