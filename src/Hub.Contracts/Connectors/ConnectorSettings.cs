using System.Globalization;

namespace Hub.Contracts.Connectors;

/// <summary>The configured option values of one connector instance (keys are case-insensitive).</summary>
public sealed class ConnectorSettings
{
    private readonly Dictionary<string, string> _values;

    /// <summary>Creates settings from key/value pairs; null or empty values count as absent.</summary>
    public ConnectorSettings(IEnumerable<KeyValuePair<string, string?>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in values)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                _values[key] = value.Trim();
            }
        }
    }

    /// <summary>Every configured key.</summary>
    public IEnumerable<string> Keys => _values.Keys;

    /// <summary>The value, or null when not configured.</summary>
    public string? Get(string name) => _values.GetValueOrDefault(name);

    /// <summary>The value, or <paramref name="defaultValue"/> when not configured.</summary>
    public string Get(string name, string defaultValue) => _values.GetValueOrDefault(name) ?? defaultValue;

    /// <summary>The value; throws when absent (validation should have caught that first).</summary>
    public string GetRequired(string name) =>
        Get(name) ?? throw new InvalidOperationException($"Connector option '{name}' is not configured.");

    /// <summary>The value as an integer, or the default when absent.</summary>
    public int GetInt32(string name, int defaultValue) =>
        Get(name) is { } text ? int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture) : defaultValue;

    /// <summary>The value as an absolute URI, or null when absent.</summary>
    public Uri? GetUri(string name) => Get(name) is { } text ? new Uri(text, UriKind.Absolute) : null;
}
