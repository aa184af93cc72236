using System.Text.Json;
using Hub.Connectors.Twitter.Inbound;
using Hub.Contracts.Touchpoints;

namespace Hub.Connectors.Twitter;

/// <summary>
/// One Account Activity payload (<c>for_user_id</c> plus one kind of event) to touchpoints. Events for another
/// subscribed account of the same app, and kinds that say nothing about a customer (typing, read receipts,
/// blocks, mutes, app revocations), bring none.
/// </summary>
internal static class TwitterMapper
{
    public static MappedEvents Map(JsonElement root, string accountUserId)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return MappedEvents.Invalid("An Account Activity payload is a JSON object.");
        }
        try
        {
            if (root.TryGetProperty("for_user_id", out var forUser) && forUser.GetString() != accountUserId)
            {
                return MappedEvents.None;
            }
            if (root.TryGetProperty("tweet_create_events", out var tweets))
            {
                return MappedEvents.Of(tweets.EnumerateArray().Select(t => TweetMapper.Created(t, accountUserId)));
            }
            if (root.TryGetProperty("direct_message_events", out var messages))
            {
                var users = root.TryGetProperty("users", out var map) ? map : default;
                return MappedEvents.Of(messages.EnumerateArray().Select(m => DirectMessageMapper.Map(m, users, accountUserId)));
            }
            if (root.TryGetProperty("favorite_events", out var favorites))
            {
                return MappedEvents.Of(favorites.EnumerateArray().Select(f => SignalMapper.Favorite(f, accountUserId)));
            }
            if (root.TryGetProperty("follow_events", out var follows))
            {
                return MappedEvents.Of(follows.EnumerateArray().Select(f => SignalMapper.Follow(f, accountUserId)));
            }
            if (root.TryGetProperty("tweet_delete_events", out var deletions))
            {
                return MappedEvents.Of(deletions.EnumerateArray().Select(SignalMapper.Deleted));
            }
            return MappedEvents.None;
        }
        // Overflow and out of range: a number or a millisecond stamp too large for its type or for a date.
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or FormatException or OverflowException or ArgumentOutOfRangeException)
        {
            return MappedEvents.Invalid($"The event does not have the Account Activity shape: {e.Message}");
        }
    }
}

/// <summary>The touchpoints of one payload, or why it cannot be read.</summary>
internal sealed record MappedEvents(IReadOnlyList<TouchpointDraft> Touchpoints, string? Problem)
{
    public static MappedEvents None { get; } = new([], null);

    public static MappedEvents Of(IEnumerable<TouchpointDraft?> touchpoints) => new([.. touchpoints.OfType<TouchpointDraft>()], null);

    public static MappedEvents Invalid(string problem) => new([], problem);
}
