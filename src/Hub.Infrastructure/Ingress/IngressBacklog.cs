using Hub.Infrastructure.Outbox;

namespace Hub.Infrastructure.Ingress;

/// <summary>
/// In-memory bus: how many answered touchpoints wait in the ingress buffer to be applied, and how many of those are on
/// the bus right now. The bus holds its messages in the process's memory, so at most <see cref="MaxOnBus"/> go there;
/// the rest wait on disk until resolution has made room (<see cref="IngressBufferPump"/>). The ingress and resolution
/// keep the counts current between the pump's recounts from the buffer, which are the truth (about every second).
/// </summary>
internal sealed class IngressBacklog : WorkSignal
{
    /// <summary>Four resolution groups: enough to keep the resolution consumer's 500 slots full, little memory.</summary>
    public const int MaxOnBus = 1_000;

    private long _waiting;
    private long _onBus;
    private long _due;

    public long Waiting => Interlocked.Read(ref _waiting);

    public long OnBus => Interlocked.Read(ref _onBus);

    /// <summary>Room on the bus for this many more touchpoints.</summary>
    public long Room => Math.Max(0, MaxOnBus - OnBus);

    public void Added(int count) => Interlocked.Add(ref _waiting, count);

    /// <summary>Buffered touchpoints waiting for the pump (never published, or due to be published again).</summary>
    public long Due => Interlocked.Read(ref _due);

    /// <summary>
    /// The ingress's room on the bus for touchpoints it just buffered: none while older ones wait for the pump, so a
    /// long burst is applied in the order it came and the first waiting are not overtaken for as long as it lasts.
    /// </summary>
    public bool TryReserveForNew(int count) => Due == 0 && TryReserve(count);

    /// <summary>The ingress left <paramref name="count"/> touchpoints for the pump.</summary>
    public void Parked(int count)
    {
        Interlocked.Add(ref _due, count);
        Notify();
    }

    /// <summary>The pump's room on the bus for <paramref name="count"/> due touchpoints, which then are no longer due.</summary>
    public bool TryReserveDue(int count)
    {
        if (!TryReserve(count))
        {
            return false;
        }
        Subtract(ref _due, count);
        return true;
    }

    /// <summary>Takes room on the bus for <paramref name="count"/> touchpoints, all or none; an empty bus takes any number.</summary>
    private bool TryReserve(int count)
    {
        while (true)
        {
            var onBus = OnBus;
            if (onBus > 0 && onBus + count > MaxOnBus)
            {
                return false;
            }
            if (Interlocked.CompareExchange(ref _onBus, onBus + count, onBus) == onBus)
            {
                return true;
            }
        }
    }

    /// <summary>Gives back room that was reserved and not used (the write failed, or fewer rows were new).</summary>
    public void Release(int count)
    {
        Subtract(ref _onBus, count);
        Notify();
    }

    /// <summary>Resolution applied <paramref name="count"/> buffered touchpoints and removed them: room for more.</summary>
    public void Applied(int count)
    {
        Subtract(ref _waiting, count);
        Subtract(ref _onBus, count);
        Notify();
    }

    /// <summary>The pump's recount: <paramref name="waiting"/> buffered, <paramref name="onBus"/> of them published and not yet due again.</summary>
    public void Counted(long waiting, long onBus)
    {
        Interlocked.Exchange(ref _waiting, waiting);
        Interlocked.Exchange(ref _onBus, onBus);
        Interlocked.Exchange(ref _due, Math.Max(0, waiting - onBus));
    }

    // Never below zero: a touchpoint applied twice (published again after a crash) is removed only once.
    private static void Subtract(ref long counter, int count)
    {
        while (true)
        {
            var value = Interlocked.Read(ref counter);
            if (Interlocked.CompareExchange(ref counter, Math.Max(0, value - count), value) == value)
            {
                return;
            }
        }
    }
}
