using System.Diagnostics;
using Hub.Testing.Servers;

namespace Hub.Benchmarks.Workload;

/// <summary>
/// Sends signed webhooks to the hubs, round robin, either as fast as a fixed number of requests in
/// flight allows (closed loop) or at a fixed rate whatever the answers take (open loop).
/// </summary>
internal sealed class WebhookDriver
{
    private readonly SignedWebhookSender[][] _senders;
    private int _sent;

    public WebhookDriver(IReadOnlyList<HttpClient> clients)
    {
        _senders = [.. clients.Select(client => InboundInstances.All.Select(instance => new SignedWebhookSender(client, instance, InboundInstances.Secret)).ToArray())];
    }

    /// <summary>Paced phase: calls [0, SentCount) have been sent (for pollers that follow them).</summary>
    public int SentCount => Volatile.Read(ref _sent);

    public async Task<DriveResult> RunClosedLoopAsync(IReadOnlyList<WebhookCall> calls, int concurrency, CancellationToken cancellationToken)
    {
        var outcomes = new RequestOutcome[calls.Count];
        var next = -1;
        var firstAt = DateTimeOffset.UtcNow;
        var first = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, Math.Min(concurrency, calls.Count)).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < calls.Count)
            {
                outcomes[i] = await SendAsync(i, calls[i], cancellationToken);
            }
        });
        await Task.WhenAll(workers);
        return new DriveResult(calls, outcomes, firstAt, first, Stopwatch.GetTimestamp(), 0);
    }

    /// <summary>Starts call i at i / <paramref name="perSecond"/> seconds; waits only when <paramref name="maxInFlight"/> requests are unanswered.</summary>
    public async Task<DriveResult> RunPacedAsync(IReadOnlyList<WebhookCall> calls, double perSecond, int maxInFlight, CancellationToken cancellationToken)
    {
        var outcomes = new RequestOutcome[calls.Count];
        var inFlight = new SemaphoreSlim(maxInFlight);
        var limitHits = 0;
        var requests = new List<Task>(calls.Count);
        _sent = 0;
        var firstAt = DateTimeOffset.UtcNow;
        var first = Stopwatch.GetTimestamp();
        for (var i = 0; i < calls.Count; i++)
        {
            var due = TimeSpan.FromSeconds(i / perSecond);
            var wait = due - Stopwatch.GetElapsedTime(first);
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait, cancellationToken);
            }
            if (!inFlight.Wait(0, cancellationToken))
            {
                limitHits++;
                await inFlight.WaitAsync(cancellationToken);
            }
            var index = i;
            Volatile.Write(ref _sent, i + 1);
            requests.Add(Task.Run(async () =>
            {
                try
                {
                    outcomes[index] = await SendAsync(index, calls[index], cancellationToken);
                }
                finally
                {
                    inFlight.Release();
                }
            }, cancellationToken));
        }
        await Task.WhenAll(requests);
        return new DriveResult(calls, outcomes, firstAt, first, Stopwatch.GetTimestamp(), limitHits);
    }

    private async Task<RequestOutcome> SendAsync(int index, WebhookCall call, CancellationToken cancellationToken)
    {
        var hub = _senders[index % _senders.Length];
        var sender = hub[InstanceIndex(call.InstanceId)];
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await sender.SendAsync(call.Body, webhookId: "msg_" + call.MessageId).WaitAsync(cancellationToken);
            return new RequestOutcome(started, Stopwatch.GetTimestamp(), (int)response.StatusCode, null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new RequestOutcome(started, Stopwatch.GetTimestamp(), 0, e.Message);
        }
    }

    private static int InstanceIndex(string instanceId)
    {
        for (var i = 0; i < InboundInstances.All.Count; i++)
        {
            if (InboundInstances.All[i] == instanceId)
            {
                return i;
            }
        }
        throw new ArgumentException($"Unknown instance {instanceId}.", nameof(instanceId));
    }
}
