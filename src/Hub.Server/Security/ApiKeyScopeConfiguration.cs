using Hub.Infrastructure.Configuration;

namespace Hub.Server.Security;

/// <summary>
/// The optional scope list of a configured key, beside <c>Hub:ApiKeys:&lt;name&gt;</c> (which stays a plain string).
/// Checked at start: an unknown scope, or scopes for a key that is not configured, stop the hub naming the key.
/// </summary>
[ConfigurationKey("<name>", "What the configured key `Hub:ApiKeys:<name>` may do: scopes separated by spaces or commas, e.g. `context:read customers:read`. Scopes: `context:read`, `customers:read`, `identity:review`, `messages:send`, `privacy`, `operations`, `metrics`. Not set: the key may do everything. A key used outside its scopes gets 403.", Default = "all scopes")]
internal static class ApiKeyScopeConfiguration
{
    public const string Section = "Hub:ApiKeyScopes";

    /// <summary>The scopes configured for the key; empty when none are listed (full access).</summary>
    public static IReadOnlyList<string> For(IConfiguration configuration, string keyName) =>
        ApiScopes.Parse(configuration.GetSection(Section)[keyName]);

    public static IEnumerable<string> Problems(IConfiguration configuration)
    {
        var keys = configuration.GetSection(ApiKeyStore.Section).GetChildren()
            .Where(c => !string.IsNullOrWhiteSpace(c.Value)).Select(c => c.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in configuration.GetSection(Section).GetChildren())
        {
            if (!keys.Contains(entry.Key))
            {
                yield return $"{entry.Path} lists scopes for a key that is not configured: set {ApiKeyStore.Section}:{entry.Key} too, or remove it.";
                continue;
            }
            foreach (var unknown in ApiScopes.Parse(entry.Value).Where(s => !ApiScopes.IsKnown(s)))
            {
                yield return $"{entry.Path} has the unknown scope '{unknown}'; the scopes are: {string.Join(", ", ApiScopes.All.Select(s => s.Scope))}.";
            }
        }
    }
}
