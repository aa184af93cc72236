using Hub.Contracts.Touchpoints;

namespace Hub.Core.RelationshipHealth;

/// <summary>
/// The incrementally kept state behind a customer's <see cref="RelationshipHealth"/>: per channel the contact counts,
/// first and last contact and every conversation turn (instant and request/reply, 9 bytes or less each, sorted);
/// per case its opening and latest touchpoint. It is a function of the set of touchpoints applied, never of
/// their order: counts add up, minimum and maximum commute, turns and cases are sorted on insert. So a late
/// touchpoint lands where it belongs, and two customers merged are their two states absorbed into one.
/// Each touchpoint must be applied once; the timeline's primary key sees to that.
/// </summary>
public sealed partial class HealthState
{
    private readonly SortedDictionary<string, ChannelState> _channels = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, CaseState> _cases = new(StringComparer.Ordinal);

    public static HealthState From(IEnumerable<HealthTouchpoint> timeline)
    {
        var state = new HealthState();
        foreach (var touchpoint in timeline)
        {
            state.Apply(touchpoint);
        }
        return state;
    }

    public void Apply(HealthTouchpoint touchpoint)
    {
        var ticks = touchpoint.OccurredAt.UtcTicks;
        if (ConversationRules.IsContact(touchpoint))
        {
            var channel = Channel(touchpoint.Channel);
            channel.Count(touchpoint.Direction, ticks);
            if (ConversationRules.TurnOf(touchpoint) is { } turn)
            {
                channel.Insert(Turn(ticks, turn));
            }
        }
        if (ConversationRules.IsCase(touchpoint))
        {
            if (_cases.TryGetValue(touchpoint.CaseKey, out var existing))
            {
                existing.Observe(ticks, touchpoint.Type);
            }
            else
            {
                _cases[touchpoint.CaseKey] = new CaseState(ticks, ticks, touchpoint.Type);
            }
        }
    }

    /// <summary>Takes in the state of a customer merged into this one.</summary>
    public void Absorb(HealthState other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var (name, theirs) in other._channels)
        {
            Channel(name).Absorb(theirs);
        }
        foreach (var (key, theirs) in other._cases)
        {
            if (_cases.TryGetValue(key, out var ours))
            {
                ours.Absorb(theirs);
            }
            else
            {
                _cases[key] = theirs.Copy();
            }
        }
    }

    public RelationshipHealth Summarize()
    {
        var responses = new List<(long RespondedAt, long Time)>();
        var channels = new List<ChannelHealth>();
        foreach (var (name, channel) in _channels)
        {
            long? waitingSince = null;
            var unanswered = 0;
            foreach (var turn in channel.Turns)
            {
                var (ticks, kind) = (turn >> 1, (ConversationTurn)(turn & 1));
                if (kind == ConversationTurn.Request)
                {
                    waitingSince ??= ticks;
                    unanswered++;
                }
                else if (waitingSince is { } since)
                {
                    responses.Add((ticks, ticks - since));
                    waitingSince = null;
                    unanswered = 0;
                }
            }
            channels.Add(new ChannelHealth(name, channel.Inbound + channel.Outbound, channel.Inbound, channel.Outbound,
                At(channel.FirstTicks), At(channel.LastTicks), waitingSince is { } w ? At(w) : null, unanswered));
        }
        var times = responses.Select(r => r.Time).Order().ToList();
        var last = responses.Count == 0 ? default : responses.MaxBy(r => (r.RespondedAt, r.Time));
        return new RelationshipHealth(
            channels.Count == 0 ? null : channels.Max(c => c.LastContactAt),
            channels.Sum(c => c.StartedByCustomer),
            channels.Sum(c => c.StartedByCompany),
            channels,
            channels.Select(c => c.AwaitingReplySince).Where(d => d is not null).Min(),
            channels.Sum(c => c.UnansweredMessages),
            [.. _cases.Where(c => !ConversationRules.EndsCase(c.Value.LatestType))
                .Select(c => new OpenCase(c.Key, At(c.Value.OpenedTicks), At(c.Value.LatestTicks), c.Value.LatestType))],
            times.Count,
            times.Count == 0 ? null : TimeSpan.FromTicks(times[(times.Count - 1) / 2]),
            responses.Count == 0 ? null : TimeSpan.FromTicks(last.Time),
            responses.Count == 0 ? null : At(last.RespondedAt));
    }

    private ChannelState Channel(string name)
    {
        if (!_channels.TryGetValue(name, out var channel))
        {
            _channels[name] = channel = new ChannelState();
        }
        return channel;
    }

    /// <summary>Instant and kind in one sortable number: UTC ticks stay below 2^62, so one bit is free.</summary>
    private static long Turn(long ticks, ConversationTurn turn) => (ticks << 1) | (long)turn;

    private static DateTimeOffset At(long ticks) => new(ticks, TimeSpan.Zero);

    internal sealed class ChannelState
    {
        public int Inbound { get; set; }

        public int Outbound { get; set; }

        public long FirstTicks { get; set; } = long.MaxValue;

        public long LastTicks { get; set; } = long.MinValue;

        public List<long> Turns { get; init; } = [];

        public void Count(TouchpointDirection direction, long ticks)
        {
            if (direction == TouchpointDirection.Inbound)
            {
                Inbound++;
            }
            else
            {
                Outbound++;
            }
            FirstTicks = Math.Min(FirstTicks, ticks);
            LastTicks = Math.Max(LastTicks, ticks);
        }

        public void Insert(long turn)
        {
            var at = Turns.BinarySearch(turn);
            Turns.Insert(at < 0 ? ~at : at, turn);
        }

        public void Absorb(ChannelState other)
        {
            Inbound += other.Inbound;
            Outbound += other.Outbound;
            FirstTicks = Math.Min(FirstTicks, other.FirstTicks);
            LastTicks = Math.Max(LastTicks, other.LastTicks);
            foreach (var turn in other.Turns)
            {
                Insert(turn);
            }
        }
    }

    internal sealed class CaseState(long openedTicks, long latestTicks, string latestType)
    {
        public long OpenedTicks { get; private set; } = openedTicks;

        public long LatestTicks { get; private set; } = latestTicks;

        public string LatestType { get; private set; } = latestType;

        public void Observe(long ticks, string type)
        {
            OpenedTicks = Math.Min(OpenedTicks, ticks);
            var candidate = (ticks, ConversationRules.EndsCase(type), type);
            if (ConversationRules.CaseOrder.Instance.Compare(candidate, (LatestTicks, ConversationRules.EndsCase(LatestType), LatestType)) > 0)
            {
                (LatestTicks, LatestType) = (ticks, type);
            }
        }

        public void Absorb(CaseState other)
        {
            OpenedTicks = Math.Min(OpenedTicks, other.OpenedTicks);
            Observe(other.LatestTicks, other.LatestType);
        }

        public CaseState Copy() => new(OpenedTicks, LatestTicks, LatestType);
    }
}
