namespace Hub.Infrastructure.Ingress;

/// <summary>
/// In-memory bus: how many answered touchpoints wait to be applied. The ingress adds what it buffers; the buffer pump
/// sets the true count from the buffer about every second, which is when applied ones leave the count.
/// </summary>
internal sealed class IngressBacklog
{
    private long _waiting;

    public long Waiting => Interlocked.Read(ref _waiting);

    public void Added(int count) => Interlocked.Add(ref _waiting, count);

    public void Counted(long waiting) => Interlocked.Exchange(ref _waiting, waiting);
}
