using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Hub.Connectors.Twitter.Signing;
using Hub.Contracts.Connectors;
using Hub.Contracts.Touchpoints;

namespace Hub.Connectors.Twitter.Inbound;

/// <summary>
/// The fallback for accounts without Account Activity access: <c>GET /2/users/{id}/mentions</c> from the stored
/// <c>since_id</c>, following <c>next_token</c> to the end (X serves only the newest 800 mentions, 8 pages), newest id
/// as the next checkpoint. A poll that stops before the end (the rate limit's window used up) keeps the old checkpoint;
/// one that fails keeps it too, as the host stores none. The first poll (no checkpoint) takes one page and starts from
/// there, rather than the account's whole history. Mentions map to the same touchpoints (<c>tweet:&lt;id&gt;</c>) as
/// their webhook events, so switching modes duplicates nothing.
/// </summary>
internal sealed class MentionsPoller(IHttpClientFactory httpClients, TimeProvider time)
{
    private const int PageSize = 100;
    private const int MaxPages = 8;
    private const string Fields = "tweet.fields=author_id,created_at,in_reply_to_user_id,referenced_tweets,conversation_id&expansions=author_id&user.fields=username,name";

    public async Task<PollResult> PollAsync(TwitterOptions options, string? sinceId, CancellationToken cancellationToken)
    {
        var client = httpClients.CreateClient(HubHttpClients.OutboundSelfPaced);
        var touchpoints = new List<TouchpointDraft>();
        string? newest = null;
        string? pageToken = null;
        var wait = options.PollInterval;
        for (var page = 0; page < MaxPages; page++)
        {
            var query = $"max_results={PageSize}&{Fields}" + (sinceId is null ? "" : $"&since_id={sinceId}") + (pageToken is null ? "" : $"&pagination_token={Uri.EscapeDataString(pageToken)}");
            var url = new Uri(options.ApiBaseUrl, $"/2/users/{options.AccountUserId}/mentions?{query}");
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            Authorize(request, options);
            using var response = await client.SendAsync(request, cancellationToken);
            var untilReset = UntilReset(response);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                throw new SyncTargetUnavailableException("X's mentions rate limit is used up.", untilReset ?? options.PollInterval);
            }
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"X answered {(int)response.StatusCode} to the mentions poll: {await response.Content.ReadAsStringAsync(cancellationToken)}", null, response.StatusCode);
            }
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var root = document.RootElement;
            touchpoints.AddRange(Mentions(root, options.AccountUserId));
            var meta = root.GetProperty("meta");
            newest ??= EventFields.OptionalText(meta, "newest_id");
            pageToken = EventFields.OptionalText(meta, "next_token");
            var windowUsedUp = Remaining(response) == 0 && untilReset is not null;
            if (windowUsedUp && untilReset > wait)
            {
                wait = untilReset.Value;
            }
            if (pageToken is null || sinceId is null)
            {
                break;
            }
            if (windowUsedUp)
            {
                // Older pages are still unread: keep the old since_id, so that the poll after the reset reads them
                // (the pages read now come again, and their deterministic touchpoint ids make that change nothing).
                return new PollResult(touchpoints, sinceId, wait);
            }
        }
        return new PollResult(touchpoints, newest ?? sinceId, wait);
    }

    private void Authorize(HttpRequestMessage request, TwitterOptions options)
    {
        if (options.BearerToken is { } bearer)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        else if (options.Credentials is { } credentials)
        {
            OAuth1Signer.Sign(request, credentials, time);
        }
    }

    private static IEnumerable<TouchpointDraft> Mentions(JsonElement root, string accountUserId)
    {
        if (!root.TryGetProperty("data", out var data))
        {
            yield break;
        }
        var users = root.TryGetProperty("includes", out var includes) && includes.TryGetProperty("users", out var list)
            ? list.EnumerateArray().ToDictionary(u => EventFields.Text(u, "id"), u => u.Clone())
            : [];
        foreach (var post in data.EnumerateArray())
        {
            var authorId = EventFields.Text(post, "author_id");
            if (authorId == accountUserId)
            {
                continue;
            }
            var author = users.GetValueOrDefault(authorId);
            var handle = EventFields.OptionalText(author, "username");
            var id = EventFields.Text(post, "id");
            var retweet = post.TryGetProperty("referenced_tweets", out var referenced)
                && referenced.EnumerateArray().Any(r => EventFields.OptionalText(r, "type") == "retweeted");
            yield return new TouchpointDraft
            {
                SourceEventId = $"tweet:{id}",
                Channel = TouchpointChannels.Social,
                Type = retweet ? "social.retweet" : EventFields.OptionalText(post, "in_reply_to_user_id") == accountUserId ? "social.reply" : "social.mention",
                OccurredAt = DateTimeOffset.Parse(EventFields.Text(post, "created_at"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                Direction = TouchpointDirection.Inbound,
                Identities = [EventFields.Person(authorId)],
                ProfileFacts = EventFields.Profile(handle, EventFields.OptionalText(author, "name")),
                Summary = EventFields.Summary(EventFields.Text(post, "text")),
                ContentReference = EventFields.PostUrl(handle, id),
            };
        }
    }

    private static int? Remaining(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-rate-limit-remaining", out var values)
        && int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var remaining) ? remaining : null;

    private TimeSpan? UntilReset(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-rate-limit-reset", out var values)
        && long.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var reset)
            ? TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerSecond, (DateTimeOffset.FromUnixTimeSeconds(reset) - time.GetUtcNow() + TimeSpan.FromSeconds(1)).Ticks))
            : null;
}
