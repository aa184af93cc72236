using System.Globalization;
using System.Net;
using System.Text.Json;
using Hub.Integration.Tests.Hosting;
using Hub.Testing.Servers;
using static Hub.Integration.Tests.Connectors.Salesforce.SalesforceHub;

namespace Hub.Integration.Tests.Telemetry;

/// <summary>
/// With <c>Logging__Console__FormatterName=json</c>, as docs/operations.md tells operators, each line is a JSON object
/// with a UTC ISO-8601 timestamp and the scopes of its work (trace and span ids, ASP.NET Core's request id).
/// </summary>
public sealed class JsonLogTests
{
    [Fact]
    public async Task A_json_log_line_carries_a_utc_timestamp_and_the_scopes_of_its_request()
    {
        await using var hub = await EmbeddedHub.StartAsync(new Dictionary<string, string>
        {
            ["Logging:Console:FormatterName"] = "json",
            ["Logging:LogLevel:Hub"] = "Information",
        });
        using (var response = await hub.Sender.SendAsync(SignedWebhookSender.Identify(1, 1000)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await EventuallyAsync(() => AcceptedLine(hub.Hub.Output) is not null, "the touchpoint's accepted line");

        using var line = JsonDocument.Parse(AcceptedLine(hub.Hub.Output)!);
        var entry = line.RootElement;
        Assert.True(entry.TryGetProperty("Timestamp", out var timestamp), $"no Timestamp in {entry}");
        var at = DateTimeOffset.ParseExact(timestamp.GetString()!, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        Assert.InRange(at, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.True(entry.TryGetProperty("Scopes", out var scopes), $"no Scopes in {entry}");
        var names = scopes.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.Object).SelectMany(s => s.EnumerateObject()).Select(p => p.Name).ToList();
        Assert.Contains("TraceId", names);
        Assert.Contains("RequestId", names);
    }

    [Fact]
    public async Task The_setup_link_printed_at_the_first_start_is_a_json_line_too_so_every_line_parses()
    {
        await using var hub = await EmbeddedHub.StartAsync(new Dictionary<string, string> { ["Logging:Console:FormatterName"] = "json" });

        await EventuallyAsync(() => hub.Hub.Output.Contains("/admin/setup?token=", StringComparison.Ordinal), "the setup link");

        var lines = hub.Hub.Output.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        Assert.All(lines, l => JsonDocument.Parse(l).Dispose());
        var banner = lines.Single(l => l.Contains("/admin/setup?token=", StringComparison.Ordinal));
        using var entry = JsonDocument.Parse(banner);
        var message = entry.RootElement.GetProperty("Message").GetString()!;
        var token = message[(message.IndexOf("?token=", StringComparison.Ordinal) + "?token=".Length)..].Split(' ')[0];
        using var setup = await hub.Hub.Client.GetAsync(new Uri($"/admin/setup?token={token}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, setup.StatusCode);
    }

    private static string? AcceptedLine(string output) => output.Split('\n')
        .Select(l => l.Trim())
        .FirstOrDefault(l => l.StartsWith('{') && l.Contains("\"Category\":\"Hub.Server.Ingress", StringComparison.Ordinal) && l.Contains("accepted (source event", StringComparison.Ordinal));
}
