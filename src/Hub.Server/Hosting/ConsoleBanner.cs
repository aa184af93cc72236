using System.Text.Json;
using Hub.Server.Telemetry;

namespace Hub.Server.Hosting;

/// <summary>
/// What an admin must see once at start (a generated API key, the first admin's setup link). It goes to the console
/// only, not through the log pipeline, which may export it elsewhere. With JSON console logs
/// (<c>Logging:Console:FormatterName=json</c>) it is one JSON object on one line, shaped like the formatter's, so a
/// reader such as jq gets no plain-text block between the log lines; otherwise a block that stands out.
/// </summary>
internal static class ConsoleBanner
{
    public static void Write(IConfiguration configuration, TimeProvider time, string category, IReadOnlyList<string> lines)
    {
        if (string.Equals(configuration["Logging:Console:FormatterName"], "json", StringComparison.OrdinalIgnoreCase))
        {
            var entry = new Dictionary<string, object>
            {
                ["Timestamp"] = time.GetUtcNow().UtcDateTime.ToString(JsonLogDefaults.UtcTimestampFormat, System.Globalization.CultureInfo.InvariantCulture),
                ["EventId"] = 0,
                ["LogLevel"] = "Warning",
                ["Category"] = category,
                ["Message"] = string.Join(" ", lines.Select(l => l.Trim())),
            };
            Console.Out.Write(JsonSerializer.Serialize(entry) + Environment.NewLine);
            return;
        }
        // One write, so that the console logger's lines cannot land inside the block.
        Console.Write(Environment.NewLine + string.Concat(lines.Select((l, i) => (i == 0 || i == lines.Count - 1 ? "  " : "    ") + l + Environment.NewLine)) + Environment.NewLine + Environment.NewLine);
    }
}
