using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;
using static Hub.Connectors.Twitter.Tests.TwitterTestKit;

namespace Hub.Connectors.Twitter.Tests.Inbound;

/// <summary>The documented Account Activity payloads from the shared formats to touchpoints.</summary>
public sealed class EventMappingTests
{
    private static readonly CustomerIdentifier JaneId = new(IdentifierTypes.Twitter, Jane);

    [Fact]
    public async Task A_mention_is_an_inbound_social_touchpoint_of_its_author_keyed_by_user_id_with_the_text_and_a_link()
    {
        var touchpoint = Assert.Single(await AcceptedAsync(Signed(Sample("aaa-tweet-create-mention.json"))));

        Assert.Equal("social.mention", touchpoint.Type);
        Assert.Equal(TouchpointChannels.Social, touchpoint.Channel);
        Assert.Equal(TouchpointDirection.Inbound, touchpoint.Direction);
        Assert.Equal("tweet:1932438400665694466", touchpoint.SourceEventId);
        Assert.Equal([JaneId], touchpoint.Identities);
        Assert.Equal("@ExampleCoHelp my order A1234 still hasn't arrived, can you check?", touchpoint.Summary);
        Assert.Equal("https://x.com/jane_example/status/1932438400665694466", touchpoint.ContentReference);
        Assert.Equal(new DateTimeOffset(2025, 6, 10, 14, 3, 12, TimeSpan.Zero), touchpoint.OccurredAt);
    }

    [Fact]
    public async Task Handle_and_display_name_are_facts_never_identifiers()
    {
        var touchpoint = Assert.Single(await AcceptedAsync(Signed(Sample("aaa-tweet-create-mention.json"))));

        Assert.Equal("jane_example", touchpoint.ProfileFacts["twitterHandle"]);
        Assert.Equal("Jane Example", touchpoint.ProfileFacts["twitterName"]);
        Assert.DoesNotContain(touchpoint.Identities, i => i.Value == "jane_example");
    }

    [Fact]
    public async Task A_received_dm_is_an_inbound_touchpoint_of_the_sender_with_facts_from_the_users_map()
    {
        var touchpoint = Assert.Single(await AcceptedAsync(Signed(Sample("aaa-dm-received.json"))));

        Assert.Equal("social.dm.received", touchpoint.Type);
        Assert.Equal("dm:1932439985131148037", touchpoint.SourceEventId);
        Assert.Equal([JaneId], touchpoint.Identities);
        Assert.Equal("jane_example", touchpoint.ProfileFacts["twitterHandle"]);
        Assert.StartsWith("Hi! My order number is A1234", touchpoint.Summary, StringComparison.Ordinal);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1749564570111), touchpoint.OccurredAt);
    }

    [Fact]
    public async Task The_accounts_own_reply_is_an_outbound_touchpoint_of_the_person_replied_to()
    {
        var touchpoint = Assert.Single(await AcceptedAsync(Signed(Sample("aaa-tweet-reply-by-own-account.json"))));

        Assert.Equal("social.reply.sent", touchpoint.Type);
        Assert.Equal(TouchpointDirection.Outbound, touchpoint.Direction);
        Assert.Equal("tweet:1932439547107394051", touchpoint.SourceEventId);
        Assert.Equal([JaneId], touchpoint.Identities);
        Assert.Equal("https://x.com/ExampleCoHelp/status/1932439547107394051", touchpoint.ContentReference);
    }

    [Fact]
    public async Task The_accounts_own_dm_is_an_outbound_touchpoint_of_the_recipient()
    {
        var touchpoint = Assert.Single(await AcceptedAsync(Signed(Sample("aaa-dm-sent-by-own-account.json"))));

        Assert.Equal("social.dm.sent", touchpoint.Type);
        Assert.Equal(TouchpointDirection.Outbound, touchpoint.Direction);
        Assert.Equal("dm:1932440623130928134", touchpoint.SourceEventId);
        Assert.Equal([JaneId], touchpoint.Identities);
    }

    [Fact]
    public async Task A_like_of_the_accounts_post_is_a_signal_of_the_liker()
    {
        var touchpoint = Assert.Single(await AcceptedAsync(Signed(Sample("aaa-favorite.json"))));

        Assert.Equal("social.like", touchpoint.Type);
        Assert.Equal("favorite:87f10f121e15d761cbc17d88ffed1955", touchpoint.SourceEventId);
        Assert.Equal(TouchpointDirection.Inbound, touchpoint.Direction);
        Assert.StartsWith("Liked: @jane_example Sorry about the delay", touchpoint.Summary, StringComparison.Ordinal);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1749564760500), touchpoint.OccurredAt);
    }

    [Fact]
    public async Task A_follow_of_the_account_is_a_signal_of_the_follower()
    {
        var touchpoint = Assert.Single(await AcceptedAsync(Signed(Sample("aaa-follow.json"))));

        Assert.Equal("social.follow", touchpoint.Type);
        Assert.Equal("Followed @ExampleCoHelp", touchpoint.Summary);
        Assert.Single(touchpoint.Identities);
        Assert.Equal(IdentifierTypes.Twitter, touchpoint.Identities[0].Type);
    }

    [Fact]
    public async Task A_retweet_and_a_reply_to_the_account_are_told_from_a_mention()
    {
        var mention = Sample("aaa-tweet-create-mention.json");
        var reply = mention.Replace("\"in_reply_to_user_id_str\": null", $"\"in_reply_to_user_id_str\": \"{AccountUserId}\"", StringComparison.Ordinal);
        var retweet = mention.Replace("\"geo\": null", "\"retweeted_status\": {\"id_str\": \"1932439547107394051\"}, \"geo\": null", StringComparison.Ordinal);

        Assert.Equal("social.reply", Assert.Single(await AcceptedAsync(Signed(reply))).Type);
        Assert.Equal("social.retweet", Assert.Single(await AcceptedAsync(Signed(retweet))).Type);
    }

    [Fact]
    public async Task A_long_post_is_read_from_its_extended_text()
    {
        var body = Sample("aaa-tweet-create-mention.json").Replace("\"truncated\": false",
            "\"truncated\": true, \"extended_tweet\": {\"full_text\": \"  The whole story, longer than 140 characters.  \"}", StringComparison.Ordinal);

        Assert.Equal("The whole story, longer than 140 characters.", Assert.Single(await AcceptedAsync(Signed(body))).Summary);
    }

    [Fact]
    public async Task A_deleted_post_withdraws_the_touchpoint_of_that_post_and_carries_no_text_or_person()
    {
        var touchpoint = Assert.Single(await AcceptedAsync(Signed(Sample("aaa-tweet-delete.json"))));

        Assert.Equal("social.post.deleted", touchpoint.Type);
        Assert.Equal("tweet:1932439564819939844", touchpoint.Withdraws);
        Assert.Equal("tweet-delete:1932439564819939844", touchpoint.SourceEventId);
        Assert.Empty(touchpoint.Identities);
        Assert.Null(touchpoint.Summary);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1749565203250), touchpoint.OccurredAt);
    }

    [Fact]
    public async Task Events_that_say_nothing_about_a_customer_are_answered_and_bring_nothing()
    {
        var typing = $$$"""{"for_user_id":"{{{AccountUserId}}}","direct_message_indicate_typing_events":[{"created_timestamp":"1749564570111","sender_id":"{{{Jane}}}","target":{"recipient_id":"{{{AccountUserId}}}"}}]}""";

        Assert.Empty(await AcceptedAsync(Signed(typing)));
    }

    [Fact]
    public async Task Events_for_another_subscribed_account_bring_nothing()
    {
        var body = Sample("aaa-dm-received.json").Replace($"\"for_user_id\": \"{AccountUserId}\"", "\"for_user_id\": \"42\"", StringComparison.Ordinal);

        Assert.Empty(await AcceptedAsync(Signed(body)));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"for_user_id":"1102497772336161459","tweet_create_events":[{"id_str":"1"}]}""")]
    [InlineData("""{"for_user_id":"1102497772336161459","direct_message_events":[{"type":"message_create","id":"9","created_timestamp":"soon","message_create":{"sender_id":"1","target":{"recipient_id":"2"},"message_data":{"text":"x"}}}]}""")]
    public async Task A_signed_body_that_cannot_be_read_is_a_400_naming_the_problem(string body)
    {
        var result = await HandleAsync(Signed(body));

        Assert.Equal(400, result.Rejection?.StatusCode);
        Assert.Empty(result.Touchpoints);
    }

    [Fact]
    public async Task A_crc_get_without_a_token_is_a_400()
    {
        var result = await HandleAsync(Request("GET", HubUrl, "", signature: null));

        Assert.Equal(400, result.Rejection?.StatusCode);
    }

    [Fact]
    public async Task Unsigned_and_forged_posts_are_401_and_bring_nothing()
    {
        var body = Sample("aaa-dm-received.json");

        foreach (var request in new[] { Request("POST", HubUrl, body, signature: null), Signed(body, OtherSecret), Request("POST", HubUrl, body, "sha256=") })
        {
            var result = await HandleAsync(request);
            Assert.Equal(401, result.Rejection?.StatusCode);
            Assert.Empty(result.Touchpoints);
        }
    }
}
