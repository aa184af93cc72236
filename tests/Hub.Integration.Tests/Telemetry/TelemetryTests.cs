using System.Diagnostics;
using System.Text.RegularExpressions;
using Hub.Integration.Tests.Faults;
using Hub.Integration.Tests.Hosting;
using Hub.Testing.Servers;
using Xunit.Abstractions;

namespace Hub.Integration.Tests.Telemetry;

/// <summary>
/// One hub process on RabbitMQ and PostgreSQL exporting traces over OTLP to a test collector: one touchpoint is
/// followed from the webhook through the broker, the resolution commit and the outbox to the sync target's request.
/// </summary>
[Collection(ObservedHubCollection.Name)]
public sealed partial class TelemetryTests(ObservedHub observed, ITestOutputHelper output)
{
    private const string BodyMarker = "Zebulon-Body-Marker";
    private readonly OtlpCollector _collector = observed.Collector;
    private readonly SyncTarget _target = observed.Target;
    private readonly ProductionHub _hub = observed.Hub;

    [Fact]
    public async Task One_trace_follows_a_touchpoint_from_the_webhook_through_the_resolution_commit_to_the_sync_request_and_metrics_and_logs_show_it()
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var response = await SendAsync(traceId);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());

        var trace = await WaitForTraceAsync(traceId, spans => spans.Any(IsSyncRequest));
        foreach (var span in trace)
        {
            output.WriteLine($"{span.Scope,-45} {span.Kind} {span.Name} {span.SpanId} <- {span.ParentSpanId}");
        }
        var ingress = Assert.Single(trace, s => s.Kind == OtlpSpan.Server && s.Name.StartsWith("POST /webhooks/", StringComparison.Ordinal));
        var syncRequest = trace.First(IsSyncRequest);
        var path = Ancestors(syncRequest, trace);
        Assert.Equal(ingress, path[^1]);
        Assert.Contains(path, s => s.Scope == "Hub" && s.Name == "resolution commit");
        Assert.Contains(path, s => s.Scope == "Hub" && s.Name == "outbox publish");
        Assert.Contains(path, s => s.Scope == "MassTransit" && s.Kind == OtlpSpan.Consumer && s.Name.StartsWith("hub-resolution ", StringComparison.Ordinal));
        Assert.Contains(path, s => s.Scope == "MassTransit" && s.Kind == OtlpSpan.Consumer && s.Name.StartsWith($"hub-sync-{SyncTarget.InstanceId} ", StringComparison.Ordinal));
        Assert.Contains(path, s => s.Scope == "MassTransit" && s.Kind == OtlpSpan.Producer && s.Name.Contains("CustomerUpdateGroup", StringComparison.Ordinal));
        // The target sees the same trace in the request's traceparent.
        Assert.Contains(_target.Server.LogEntries, e => e.RequestMessage!.Path == "/hub-events"
            && e.RequestMessage.Headers!.TryGetValue("traceparent", out var parent) && parent.ToString().Contains($"-{traceId}-", StringComparison.Ordinal));
        // Not the baggage: it holds the hub's own message ids (MassTransit's conversation id).
        Assert.DoesNotContain(_target.Server.LogEntries, e => e.RequestMessage!.Headers!.ContainsKey("baggage") || e.RequestMessage.Headers.ContainsKey("Correlation-Context"));

        await AssertMetricsAsync();
        AssertLogs();
    }

    private async Task<HttpResponseMessage> SendAsync(string traceId)
    {
        var body = $$"""{"type":"identify","messageId":"t-1","userId":"u-t1","traits":{"email":"traced@example.com","name":"{{BodyMarker}}"},"timestamp":"2026-01-01T00:00:00Z"}""";
        using var request = _hub.Sender.Unsigned(body);
        var id = "msg_traced";
        var at = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", at.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", SignedWebhookSender.Signature(SignedWebhookSender.ExampleSecret, id, at, System.Text.Encoding.UTF8.GetBytes(body)));
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        return await _hub.Hub.Client.SendAsync(request);
    }

    private bool IsSyncRequest(OtlpSpan span) =>
        span.Kind == OtlpSpan.Client && span.Attributes.TryGetValue("url.full", out var url) && url.Contains($":{_target.Server.Port}/hub-events", StringComparison.Ordinal);

    private async Task<List<OtlpSpan>> WaitForTraceAsync(string traceId, Func<List<OtlpSpan>, bool> complete)
    {
        var deadline = Stopwatch.StartNew();
        List<OtlpSpan> trace;
        while (!complete(trace = [.. _collector.Spans().Where(s => s.TraceId == traceId)]) && deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(250);
        }
        Assert.True(complete(trace), $"The trace has no sync request after 60 s; spans: {string.Join(", ", trace.Select(s => s.Name))}\n{_hub.Hub.Output}");
        // The spans above the sync request end after it and are exported a moment later.
        await Task.Delay(1000);
        return [.. _collector.Spans().Where(s => s.TraceId == traceId)];
    }

    /// <summary>The span and its parents up to the trace's root; fails when a parent is missing from the trace.</summary>
    private static List<OtlpSpan> Ancestors(OtlpSpan span, List<OtlpSpan> trace)
    {
        var path = new List<OtlpSpan> { span };
        while (path[^1].ParentSpanId is { Length: > 0 } parent && trace.FirstOrDefault(s => s.SpanId == parent) is { } next)
        {
            path.Add(next);
        }
        return path;
    }

    private async Task AssertMetricsAsync()
    {
        using var client = new HttpClient { BaseAddress = _hub.Hub.BaseAddress };
        var metrics = "";
        var deadline = Stopwatch.StartNew();
        // Queue depths are read every 15 s; the first reading comes right after the start.
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            metrics = await client.GetStringAsync(new Uri("metrics", UriKind.Relative));
            if (HasSample(metrics, "hub_queue_depth", "queue=\"hub-resolution\"") && HasSample(metrics, "hub_sync_results_total", "outcome=\"delivered\""))
            {
                break;
            }
            await Task.Delay(500);
        }
        output.WriteLine(string.Join('\n', metrics.Split('\n').Where(l => l.StartsWith("hub_", StringComparison.Ordinal))));
        Assert.True(HasSample(metrics, "hub_touchpoints_received_total", "connector_instance=\"crm1\"", "connector_kind=\"webhooks\"", "outcome=\"accepted\""), "touchpoints received");
        Assert.True(HasSample(metrics, "hub_resolution_latency_seconds_count"), "resolution latency");
        Assert.True(HasSample(metrics, "hub_outbox_lag_seconds_count"), "outbox lag");
        Assert.True(HasSample(metrics, "hub_sync_results_total", $"target=\"{SyncTarget.InstanceId}\"", "outcome=\"delivered\""), "sync results");
        Assert.True(HasSample(metrics, "hub_sync_breaker_state", $"target_address=\"http://127.0.0.1:{_target.Server.Port}\""), "breaker state");
        Assert.True(HasSample(metrics, "hub_queue_depth", "queue=\"hub-resolution\""), "queue depth");
        Assert.True(HasSample(metrics, "hub_queue_depth", $"queue=\"hub-sync-{SyncTarget.InstanceId}\""), "queue depth of the sync target");
    }

    private static bool HasSample(string metrics, string name, params string[] labels) =>
        metrics.Split('\n').Any(line => (line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal))
            && labels.All(l => line.Contains(l, StringComparison.Ordinal)));

    private void AssertLogs()
    {
        var lines = _hub.Hub.Output.Split('\n');
        var accepted = lines.Select(l => AcceptedLine().Match(l)).Single(m => m.Success);
        var touchpointId = accepted.Groups["touchpoint"].Value;
        Assert.Contains(lines, l => l.Contains($"Touchpoint {touchpointId} of crm1 is on the timeline of customer ", StringComparison.Ordinal) && l.StartsWith("info:", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("info:", StringComparison.Ordinal) && l.Contains($"Sync target {SyncTarget.InstanceId} has customer ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(BodyMarker, StringComparison.Ordinal) || l.Contains("traced@example.com", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(SignedWebhookSender.ExampleSecret["whsec_".Length..], StringComparison.Ordinal));
    }

    [GeneratedRegex(@"^info: .*Touchpoint (?<touchpoint>[0-9a-f-]{36}) of crm1 accepted \(source event t-1\)")]
    private static partial Regex AcceptedLine();
}
