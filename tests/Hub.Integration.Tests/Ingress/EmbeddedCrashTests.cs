using System.Collections.Concurrent;
using System.Net;
using Hub.Contracts.Touchpoints;
using Hub.Integration.Tests.Hosting;
using Hub.Testing.Servers;

namespace Hub.Integration.Tests.Ingress;

/// <summary>Embedded mode keeps the production promise: a webhook answered 2xx survives kill -9.</summary>
[Collection(RunsAlone.Name)]
public sealed class EmbeddedCrashTests
{
    [Fact]
    public async Task Every_webhook_answered_before_a_kill_9_is_in_the_timeline_exactly_once_after_a_restart()
    {
        await using var embedded = await EmbeddedHub.StartAsync();
        var sender = embedded.Sender;
        var answered = new ConcurrentBag<int>();
        using var stop = new CancellationTokenSource();

        var burst = Parallel.ForEachAsync(Enumerable.Range(0, 2_000), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (n, _) =>
        {
            if (stop.IsCancellationRequested)
            {
                return;
            }
            try
            {
                using var response = await sender.SendAsync(SignedWebhookSender.Identify(n, 300));
                if (response.IsSuccessStatusCode)
                {
                    answered.Add(n);
                }
            }
            catch (HttpRequestException)
            {
                // The process died mid-request: not answered, so the sender would retry; not counted.
            }
        });
        while (answered.Count < 300)
        {
            await Task.Delay(10);
        }
        await embedded.Hub.KillAsync();
        await stop.CancelAsync();
        await burst;

        await embedded.RestartAsync();
        var expected = answered.Select(n => TouchpointIds.From(EmbeddedHub.InstanceId, $"m-{n}")).ToHashSet();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        List<Guid> stored;
        while (!expected.IsSubsetOf(stored = await embedded.TimelineTouchpointIdsAsync()) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }
        Assert.Subset(stored.ToHashSet(), expected);
        Assert.Equal(stored.Count, stored.Distinct().Count());
        Assert.True(answered.Count >= 300);
    }

    [Fact]
    public async Task The_embedded_hub_starts_without_any_other_service_and_finds_a_signed_customer_by_email()
    {
        await using var embedded = await EmbeddedHub.StartAsync();
        using var response = await embedded.Sender.SendAsync(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "formats", "webhooks", "segment-identify.json")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        string body;
        do
        {
            await Task.Delay(100);
            body = await embedded.Hub.Client.GetStringAsync(new Uri("api/customers?email=jane.doe@example.org", UriKind.Relative));
        }
        while (body == "[]" && DateTime.UtcNow < deadline);
        Assert.Contains("\"jane.doe@example.org\"", body, StringComparison.Ordinal);
        Assert.Contains("Head of Operations", body, StringComparison.Ordinal);
    }
}
