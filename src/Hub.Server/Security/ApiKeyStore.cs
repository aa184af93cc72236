using System.Security.Cryptography;
using System.Text;
using Hub.Infrastructure.Configuration;
using Hub.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Security;

/// <summary>
/// The API keys clients may present: those configured as <c>Hub:ApiKeys:&lt;name&gt;</c> and those the hub
/// generated and stored (as SHA-256 hashes). Keys are compared by hash in constant time.
/// </summary>
[ConfigurationKey("<name>", "An API key (the value itself; use 32+ random characters, e.g. `openssl rand -base64 32`). Keys shorter than 24 characters, and placeholders starting with `change-me`, are refused at start. Clients send `Authorization: Bearer <key>` to `/api/...`. None configured or stored: the first start generates one and prints it once.")]
internal sealed class ApiKeyStore(IConfiguration configuration, IServiceScopeFactory scopes)
{
    public const string Section = "Hub:ApiKeys";

    /// <summary>Shorter configured keys are refused at start: a key is the whole credential, with no user name beside it.</summary>
    public const int MinimumLength = 24;

    /// <summary>
    /// The configured keys that must not be used, each with the reason: too short, or a placeholder from the shipped
    /// examples (<c>change-me...</c>), which is public.
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
            .OfType<string>()];

    private volatile IReadOnlyList<(string Name, byte[] Hash)> _keys = [];

    public bool HasAny => _keys.Count > 0;

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var keys = configuration.GetSection(Section).GetChildren()
            .Where(c => !string.IsNullOrWhiteSpace(c.Value))
            .Select(c => (c.Key, Hash(c.Value!)))
            .ToList();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        foreach (var stored in await db.ApiKeys.AsNoTracking().ToListAsync(cancellationToken))
        {
            keys.Add((stored.Name, Convert.FromHexString(stored.KeyHash)));
        }
        _keys = keys;
    }

    /// <summary>The key's name, or null when it is not a valid key.</summary>
    public string? Match(string presented)
    {
        var hash = Hash(presented);
        string? name = null;
        foreach (var key in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(key.Hash, hash))
            {
                name = key.Name;
            }
        }
        return name;
    }

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key.Trim()));
}
