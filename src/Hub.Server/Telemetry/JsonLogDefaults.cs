using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Hub.Server.Telemetry;

/// <summary>
/// The JSON console lines (<c>Logging:Console:FormatterName=json</c>) carry a UTC ISO-8601 <c>Timestamp</c> and the
/// <c>Scopes</c> (trace and span ids, ASP.NET Core's request id, MassTransit's message ids). The console formatters share
/// one section of settings, <c>Logging:Console:FormatterOptions</c>, so these defaults are set in code for the JSON
/// formatter alone (the simple formatter's lines stay as they were), and only where that section leaves a setting out.
/// </summary>
internal sealed class JsonLogDefaults(IConfiguration configuration) : IConfigureOptions<JsonConsoleFormatterOptions>
{
    /// <summary>ISO 8601 in UTC; the offset as 'Z', since the formatter's JSON encoder writes a '+' as \u002B.</summary>
    public const string UtcTimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    /// <summary>ISO 8601 with the local offset, when <c>UseUtcTimestamp</c> is configured false.</summary>
    public const string LocalTimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fffzzz";

    public void Configure(JsonConsoleFormatterOptions options)
    {
        var configured = configuration.GetSection("Logging:Console:FormatterOptions");
        if (configured[nameof(options.IncludeScopes)] is null)
        {
            options.IncludeScopes = true;
        }
        if (configured[nameof(options.UseUtcTimestamp)] is null)
        {
            options.UseUtcTimestamp = true;
        }
        if (configured[nameof(options.TimestampFormat)] is null)
        {
            options.TimestampFormat = options.UseUtcTimestamp ? UtcTimestampFormat : LocalTimestampFormat;
        }
    }
}
