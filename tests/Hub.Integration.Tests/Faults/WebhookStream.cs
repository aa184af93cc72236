using System.Net;
using Hub.Testing.Servers;

namespace Hub.Integration.Tests.Faults;

/// <summary>
/// A steady stream of signed Segment identify calls (<c>m-0</c>, <c>m-1</c>, ...) from a sender that behaves like
/// a real one: every event is retried until it is acknowledged, after the Retry-After of a 503 or a short pause
/// when there was no answer, each retry to the next hub process as a load balancer would. Every attempt goes into
/// the <see cref="DeliveryLedger"/>.
/// </summary>
internal sealed class WebhookStream(DeliveryLedger ledger, Func<int, SignedWebhookSender> senderTo, int processes, int people)
{
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan PauseWithoutAnswer = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(40);
    private int _next = -1;
    private Task _running = Task.CompletedTask;

    public static string SourceEventId(int n) => $"m-{n}";

    /// <summary>The stream; it ends once <see cref="Start"/>'s condition no longer holds and every event sent is acknowledged.</summary>
    public Task Completion => _running;

    /// <summary>Starts sending with <paramref name="workers"/> concurrent senders, each pausing briefly between events, while <paramref name="keepGoing"/> holds.</summary>
    public void Start(Func<bool> keepGoing, int workers = 4) =>
        _running = Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            while (keepGoing())
            {
                await SendUntilAcknowledgedAsync(Interlocked.Increment(ref _next));
                await Task.Delay(Pace);
            }
        })));

    /// <summary>Waits until <paramref name="condition"/> holds; fails early when the stream failed or ended.</summary>
    public async Task UntilAsync(Func<bool> condition)
    {
        while (!condition())
        {
            if (_running.IsFaulted)
            {
                await _running;
            }
            Assert.False(_running.IsCompleted, "the stream ended before the condition held");
            await Task.Delay(20);
        }
    }

    private async Task SendUntilAcknowledgedAsync(int n)
    {
        var giveUp = DateTime.UtcNow + GiveUpAfter;
        for (var attempt = 0; ; attempt++)
        {
            var wait = PauseWithoutAnswer;
            try
            {
                using var response = await senderTo((n + attempt) % processes).SendAsync(SignedWebhookSender.Identify(n, people));
                if (response.IsSuccessStatusCode)
                {
                    ledger.RecordAcknowledged(SourceEventId(n));
                    return;
                }
                Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"m-{n} was answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                ledger.RecordRefused(SourceEventId(n));
                wait = response.Headers.RetryAfter?.Delta ?? wait;
            }
            catch (Exception e) when (e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } or ObjectDisposedException)
            {
                // Never sent: nobody listens there (the process is dead or restarting on a new port).
                ledger.RecordNotConnected();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Sent, no answer: the process died or the request was cut; the sender cannot know whether it landed.
                ledger.RecordUnanswered(SourceEventId(n));
            }
            Assert.True(DateTime.UtcNow < giveUp, $"m-{n} was not acknowledged within {GiveUpAfter.TotalSeconds} s");
            await Task.Delay(wait);
        }
    }
}
