using System.Security.Cryptography;
using System.Text;
using Hub.Infrastructure.Configuration;
using Hub.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Security;

/// <summary>Where a key comes from: the configuration, generated at first start, or created on the admin page.</summary>
public enum ApiKeySource
{
    Configuration,
    Generated,
    CreatedHere,
}

/// <summary>A key the hub accepts, without the key itself: its name, hash, scopes (none: full access) and origin.</summary>
public sealed record ApiKey(string Name, byte[] Hash, IReadOnlyList<string> Scopes, ApiKeySource Source, DateTimeOffset? CreatedAt, string? CreatedBy);

/// <summary>
/// The API keys clients may present: those configured as <c>Hub:ApiKeys:&lt;name&gt;</c> and those the hub
/// generated or an admin created and stored (as SHA-256 hashes). Keys are compared by hash in constant time.
/// The stored keys are cached; the cache is reloaded at once after a change in this process and at most
/// <see cref="RefreshInterval"/> after a change in another hub process.
/// </summary>
[ConfigurationKey("<name>", "An API key (the value itself; use 32+ random characters, e.g. `openssl rand -base64 32`). Keys shorter than 24 characters, and placeholders starting with `change-me`, are refused at start. Clients send `Authorization: Bearer <key>` to `/api/...`. It may do everything unless `Hub:ApiKeyScopes:<name>` lists its scopes. None configured or stored: the first start generates one and prints it once.")]
public sealed partial class ApiKeyStore(IConfiguration configuration, IServiceScopeFactory scopes, TimeProvider time, ILogger<ApiKeyStore> logger)
{
    public const string Section = "Hub:ApiKeys";

    /// <summary>Shorter configured keys are refused at start: a key is the whole credential, with no user name beside it.</summary>
    public const int MinimumLength = 24;

    /// <summary>How long another hub process may still accept a key revoked here.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The configured keys that must not be used, each with the reason: too short, or a placeholder from the shipped
    /// examples (<c>change-me...</c>), which is public; and scope lists naming an unknown scope.
    /// </summary>
    public static IReadOnlyList<string> Problems(IConfiguration configuration) =>
        [.. configuration.GetSection(Section).GetChildren()
            .Where(c => !string.IsNullOrWhiteSpace(c.Value))
            .Select(c => (c.Path, Value: c.Value!.Trim()))
            .Select(c => c.Value.StartsWith("change-me", StringComparison.OrdinalIgnoreCase)
                ? $"{c.Path} is still the example's placeholder; set a random value of {MinimumLength}+ characters (e.g. `openssl rand -base64 32`)."
                : c.Value.Length < MinimumLength
                    ? $"{c.Path} is {c.Value.Length} characters long; an API key needs at least {MinimumLength} random characters (e.g. `openssl rand -base64 32`)."
                    : null)
            .OfType<string>()
            .Concat(ApiKeyScopeConfiguration.Problems(configuration))];

    private volatile IReadOnlyList<ApiKey> _keys = [];
    private long _loadedAt;
    private volatile bool _loaded;
    private int _reloadFailing;
    private readonly SemaphoreSlim _loading = new(1, 1);

    public bool HasAny => _keys.Count > 0;

    /// <summary>Every key, configured ones first, as last loaded.</summary>
    public IReadOnlyList<ApiKey> Keys => _keys;

    public Task LoadAsync(CancellationToken cancellationToken) => LoadAsync(onlyIfStale: false, cancellationToken);

    private bool IsStale => !_loaded || time.GetElapsedTime(Interlocked.Read(ref _loadedAt)) > RefreshInterval;

    private async Task LoadAsync(bool onlyIfStale, CancellationToken cancellationToken)
    {
        await _loading.WaitAsync(cancellationToken);
        try
        {
            // Requests that found the cache stale together wait here; the first reloads it, the others find it fresh.
            if (onlyIfStale && !IsStale)
            {
                return;
            }
            var started = time.GetTimestamp();
            var keys = configuration.GetSection(Section).GetChildren()
                .Where(c => !string.IsNullOrWhiteSpace(c.Value))
                .Select(c => new ApiKey(c.Key, Hash(c.Value!), ApiKeyScopeConfiguration.For(configuration, c.Key), ApiKeySource.Configuration, null, null))
                .ToList();
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            foreach (var stored in await db.ApiKeys.AsNoTracking().OrderBy(k => k.Name).ToListAsync(cancellationToken))
            {
                keys.Add(new ApiKey(stored.Name, Convert.FromHexString(stored.KeyHash), ApiScopes.Parse(stored.Scopes),
                    stored.CreatedBy is null ? ApiKeySource.Generated : ApiKeySource.CreatedHere, stored.CreatedAt, stored.CreatedBy));
            }
            _keys = keys;
            Interlocked.Exchange(ref _loadedAt, started);
            _loaded = true;
            if (Interlocked.Exchange(ref _reloadFailing, 0) == 1)
            {
                LogReloadRecovered(logger);
            }
        }
        finally
        {
            _loading.Release();
        }
    }

    /// <summary>The key presented, or null when it is not a valid key; reloads the stored keys first when the cache is stale.</summary>
    public async Task<ApiKey?> MatchAsync(string presented, CancellationToken cancellationToken)
    {
        if (IsStale)
        {
            try
            {
                await LoadAsync(onlyIfStale: true, cancellationToken);
            }
            catch (Exception e) when (_loaded && !cancellationToken.IsCancellationRequested)
            {
                // The database is away: the keys as last read still hold (a webhook that happens to carry an
                // Authorization header must not fail for it), and the next request after the interval tries again.
                Interlocked.Exchange(ref _loadedAt, time.GetTimestamp());
                if (Interlocked.Exchange(ref _reloadFailing, 1) == 0)
                {
                    LogReloadFailed(logger, e);
                }
            }
        }
        var hash = Hash(presented);
        var scopedHash = ScopedHash(presented);
        ApiKey? match = null;
        foreach (var key in _keys)
        {
            // Both compared for every key (no early exit): the time taken says nothing about which key matched.
            var plain = CryptographicOperations.FixedTimeEquals(key.Hash, hash);
            var scoped = CryptographicOperations.FixedTimeEquals(key.Hash, scopedHash);
            if (plain | scoped)
            {
                match = key;
            }
        }
        return match;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-reading the stored API keys failed; the keys as last read are used until it works again")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-reading the stored API keys works again")]
    private static partial void LogReloadRecovered(ILogger logger);

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key.Trim()));

    /// <summary>
    /// How a stored key with scopes is hashed: not as <see cref="Hash"/>, which is all that versions before scopes
    /// compare. Such a version, started on this database (a roll-back), does not know the scopes column and would give
    /// the key full access; with this hash the key does not match there at all (401), so going back fails closed.
    /// </summary>
    public static byte[] ScopedHash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(ScopedHashPrefix + key.Trim()));

    private const string ScopedHashPrefix = "hub api key with scopes\n";
}
