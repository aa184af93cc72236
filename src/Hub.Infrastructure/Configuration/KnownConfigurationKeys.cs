using Microsoft.Extensions.Configuration;

namespace Hub.Infrastructure.Configuration;

/// <summary>
/// The <c>Hub:</c> keys some option reads (from <see cref="ConfigurationCatalog.KnownKeys"/>), to tell an operator which
/// configured keys nothing reads, a typo such as <c>Hub:Databse:Provider</c> that would otherwise be ignored in silence.
/// A segment written <c>&lt;name&gt;</c> stands for any one segment; any key may have list indices below it
/// (<c>AllowedNetworks:0</c>); below a free-form key anything goes.
/// </summary>
public sealed class KnownConfigurationKeys
{
    private const string Root = "Hub";
    private readonly IReadOnlyList<string[]> _keys;
    private readonly IReadOnlyList<string[]> _freeForm;

    public KnownConfigurationKeys(IEnumerable<Pattern> patterns)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        var all = patterns.ToList();
        _keys = [.. all.Select(p => Segments(p.Key))];
        _freeForm = [.. all.Where(p => p.FreeFormBelow).Select(p => Segments(p.Key))];
    }

    /// <summary>A key some option reads; <paramref name="FreeFormBelow"/>: any key below it is read too (by whoever reads it).</summary>
    public sealed record Pattern(string Key, bool FreeFormBelow);

    /// <summary>A configured key nothing reads, with the known key closest to it when one is near.</summary>
    public sealed record UnknownKey(string Key, string? DidYouMean);

    /// <summary>Every key with a value under <c>Hub:</c> in <paramref name="configuration"/> that no option reads, in key order.</summary>
    public IReadOnlyList<UnknownKey> UnknownIn(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return [.. configuration.GetSection(Root).AsEnumerable()
            .Where(kv => kv.Value is not null && !IsKnown(kv.Key))
            .Select(kv => kv.Key)
            .Order(StringComparer.OrdinalIgnoreCase)
            .Select(key => new UnknownKey(key, ClosestTo(key)))];
    }

    /// <summary>Whether an option reads <paramref name="key"/> (or a section on the way to one).</summary>
    public bool IsKnown(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var segments = Segments(key);
        return _freeForm.Any(f => StartsWith(segments, f))
            || _keys.Any(k => StartsWith(k, segments) || (StartsWith(segments, k) && segments.Skip(k.Length).All(IsIndex)));
    }

    /// <summary>The known key nearest to <paramref name="key"/> by edit distance, when it is near enough to be a typo of it.</summary>
    public string? ClosestTo(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        // List indices are compared as written: TrustedProxy:0 is near TrustedProxies:0.
        var segments = Segments(key).Reverse().SkipWhile(IsIndex).Reverse().ToArray();
        var indices = string.Concat(Segments(key).Skip(segments.Length).Select(i => ConfigurationPath.KeyDelimiter + i));
        var written = string.Join(ConfigurationPath.KeyDelimiter, segments);
        var nearest = NearestName.Among(
            written,
            _keys.Select(k => string.Join(ConfigurationPath.KeyDelimiter, k.Select((s, i) => IsPlaceholder(s) && i < segments.Length ? segments[i] : s))));
        return nearest is null ? null : nearest + indices;
    }

    private static string[] Segments(string key) => key.Split(ConfigurationPath.KeyDelimiter);

    private static bool IsPlaceholder(string segment) => segment.StartsWith('<') && segment.EndsWith('>');

    private static bool IsIndex(string segment) => segment.Length > 0 && segment.All(char.IsAsciiDigit);

    /// <summary>Whether <paramref name="key"/> begins with the segments of <paramref name="prefix"/> (placeholders match any segment).</summary>
    private static bool StartsWith(string[] key, string[] prefix) =>
        key.Length >= prefix.Length
        && prefix.Select((segment, i) => IsPlaceholder(segment) || IsPlaceholder(key[i]) || string.Equals(segment, key[i], StringComparison.OrdinalIgnoreCase)).All(match => match);
}
