using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Hub.Connectors.Salesforce.Auth;

/// <summary>
/// One token per instance and set of credentials, fetched when first needed and renewed only when
/// Salesforce rejects it. Renewal is single-flight: many calls failing with the same stale token
/// cause one request to the token endpoint, and all of them continue with its result.
/// </summary>
internal sealed class TokenCache(TokenRequester requester)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public ValueTask<SalesforceToken> GetAsync(string instanceId, SalesforceOptions options, CancellationToken cancellationToken)
    {
        var entry = EntryFor(instanceId, options);
        return entry.Token is { } token ? ValueTask.FromResult(token) : new(RenewAsync(entry, options, stale: null, cancellationToken));
    }

    /// <summary>A token other than <paramref name="stale"/>: the one another caller just fetched, or a new one.</summary>
    public Task<SalesforceToken> RefreshAsync(string instanceId, SalesforceOptions options, SalesforceToken stale, CancellationToken cancellationToken) =>
        RenewAsync(EntryFor(instanceId, options), options, stale, cancellationToken);

    /// <summary>The user the instance's current token acts as, if a token was fetched in this process.</summary>
    public string? KnownUserId(string instanceId) =>
        _entries.Where(e => e.Key.StartsWith(instanceId + "\n", StringComparison.Ordinal)).Select(e => e.Value.Token?.UserId).FirstOrDefault(u => u is not null);

    private Entry EntryFor(string instanceId, SalesforceOptions options) =>
        _entries.GetOrAdd($"{instanceId}\n{Fingerprint(options)}", _ => new Entry());

    private async Task<SalesforceToken> RenewAsync(Entry entry, SalesforceOptions options, SalesforceToken? stale, CancellationToken cancellationToken)
    {
        await entry.Lock.WaitAsync(cancellationToken);
        try
        {
            if (entry.Token is { } current && !ReferenceEquals(current, stale))
            {
                return current;
            }
            entry.Token = await requester.RequestAsync(options, cancellationToken);
            return entry.Token;
        }
        finally
        {
            entry.Lock.Release();
        }
    }

    /// <summary>Changed settings must not reuse a token fetched with the old ones.</summary>
    private static string Fingerprint(SalesforceOptions options) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{options.Credentials?.Fingerprint}\n{options.InstanceUrl}\n{options.LoginUrl}")));

    private sealed class Entry
    {
        public SemaphoreSlim Lock { get; } = new(1, 1);

        public SalesforceToken? Token { get; set; }
    }
}
