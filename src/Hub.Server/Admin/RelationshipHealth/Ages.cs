using System.Globalization;

namespace Hub.Server.Admin.RelationshipHealth;

/// <summary>Durations written as an agent reads them: the two largest units ("3 d 4 h", "2 h 5 min", "45 s").</summary>
internal static class Ages
{
    public static string Of(long seconds)
    {
        if (seconds < 60)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, seconds)} s");
        }
        var time = TimeSpan.FromSeconds(seconds);
        return time.TotalDays >= 1 ? Two((int)time.TotalDays, "d", time.Hours, "h")
            : time.TotalHours >= 1 ? Two(time.Hours, "h", time.Minutes, "min")
            : string.Create(CultureInfo.InvariantCulture, $"{time.Minutes} min");
    }

    public static string? Of(long? seconds) => seconds is { } s ? Of(s) : null;

    private static string Two(int major, string majorUnit, int minor, string minorUnit) => minor == 0
        ? string.Create(CultureInfo.InvariantCulture, $"{major} {majorUnit}")
        : string.Create(CultureInfo.InvariantCulture, $"{major} {majorUnit} {minor} {minorUnit}");
}
