using System.Text.Json;
using Hub.Contracts.Touchpoints;
using Hub.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Hub.Infrastructure.Ingress;

/// <summary>
/// Embedded mode: the in-memory bus forgets on a crash, so touchpoints are committed to the database
/// before the answer and the bus is fed from there (<see cref="IngressBufferPump"/>).
/// </summary>
internal sealed class BufferedTouchpointIngress(HubDbContext db, IngressBufferSignal signal, TimeProvider time) : ITouchpointIngress
{
    public async Task AcceptAsync(IReadOnlyList<TouchpointReceived> touchpoints, CancellationToken cancellationToken)
    {
        if (touchpoints.Count == 0)
        {
            return;
        }
        var ids = touchpoints.Select(t => t.TouchpointId).Distinct().ToList();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var buffered = await db.IngressBuffer.Where(b => ids.Contains(b.TouchpointId)).Select(b => b.TouchpointId).ToListAsync(cancellationToken);
                var now = time.GetUtcNow();
                foreach (var touchpoint in touchpoints.DistinctBy(t => t.TouchpointId).Where(t => !buffered.Contains(t.TouchpointId)))
                {
                    db.IngressBuffer.Add(new IngressBufferRow
                    {
                        TouchpointId = touchpoint.TouchpointId,
                        Body = JsonSerializer.Serialize(touchpoint, JsonSerializerOptions.Web),
                        ReceivedAt = touchpoint.ReceivedAt,
                        NextAttemptAt = now,
                    });
                }
                await db.SaveChangesAsync(cancellationToken);
                signal.Notify();
                return;
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // The same event arrived twice at once; the other request buffered it. Look again.
                db.ChangeTracker.Clear();
            }
            catch (DbUpdateException e)
            {
                throw new IngressUnavailableException("The embedded store could not take the touchpoints.", e);
            }
        }
    }
}

/// <summary>Wakes the ingress buffer pump.</summary>
public sealed class IngressBufferSignal : Outbox.WorkSignal;
