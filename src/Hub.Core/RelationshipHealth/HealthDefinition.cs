using Hub.Contracts.Touchpoints;

namespace Hub.Core.RelationshipHealth;

/// <summary>
/// The metrics computed from scratch over a customer's whole timeline, written as plainly as the definitions in
/// docs/relationship-health.md. The hub never runs this on a request: it keeps <see cref="HealthState"/> up to date
/// as touchpoints arrive, and the property tests show the two always agree.
/// </summary>
public static class HealthDefinition
{
    public static RelationshipHealth Compute(IEnumerable<HealthTouchpoint> timeline)
    {
        var entries = timeline.Select(t => t with { OccurredAt = t.OccurredAt.ToUniversalTime() }).ToList();
        var contacts = entries.Where(ConversationRules.IsContact).ToList();
        var responses = new List<(DateTimeOffset RespondedAt, TimeSpan Time)>();
        var channels = new List<ChannelHealth>();
        foreach (var channel in contacts.GroupBy(t => t.Channel).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            DateTimeOffset? waitingSince = null;
            var unanswered = 0;
            var turns = channel.Select(t => (t.OccurredAt, Turn: ConversationRules.TurnOf(t))).Where(t => t.Turn is not null)
                .OrderBy(t => t.OccurredAt.UtcTicks).ThenBy(t => t.Turn);
            foreach (var (at, turn) in turns)
            {
                if (turn == ConversationTurn.Request)
                {
                    waitingSince ??= at;
                    unanswered++;
                }
                else if (waitingSince is { } since)
                {
                    responses.Add((at, at - since));
                    waitingSince = null;
                    unanswered = 0;
                }
            }
            channels.Add(new ChannelHealth(
                channel.Key,
                channel.Count(),
                channel.Count(t => t.Direction == TouchpointDirection.Inbound),
                channel.Count(t => t.Direction == TouchpointDirection.Outbound),
                channel.Min(t => t.OccurredAt),
                channel.Max(t => t.OccurredAt),
                waitingSince,
                unanswered));
        }
        var openCases = entries.Where(ConversationRules.IsCase).GroupBy(t => t.CaseKey, StringComparer.Ordinal)
            .Select(g => (Key: g.Key, OpenedAt: g.Min(t => t.OccurredAt), Latest: ConversationRules.LatestOfCase(g, t => t.OccurredAt, t => t.Type)))
            .Where(c => !ConversationRules.EndsCase(c.Latest.Type))
            .OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => new OpenCase(c.Key, c.OpenedAt, c.Latest.OccurredAt, c.Latest.Type))
            .ToList();
        var times = responses.Select(r => r.Time).Order().ToList();
        var last = responses.Count == 0 ? default : responses.OrderBy(r => r.RespondedAt.UtcTicks).ThenBy(r => r.Time).Last();
        return new RelationshipHealth(
            contacts.Count == 0 ? null : contacts.Max(t => t.OccurredAt),
            contacts.Count(t => t.Direction == TouchpointDirection.Inbound),
            contacts.Count(t => t.Direction == TouchpointDirection.Outbound),
            channels,
            channels.Select(c => c.AwaitingReplySince).Where(d => d is not null).Min(),
            channels.Sum(c => c.UnansweredMessages),
            openCases,
            times.Count,
            times.Count == 0 ? null : times[(times.Count - 1) / 2],
            responses.Count == 0 ? null : last.Time,
            responses.Count == 0 ? null : last.RespondedAt);
    }
}
