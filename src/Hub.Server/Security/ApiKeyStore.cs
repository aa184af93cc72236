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
[ConfigurationKey("<name>", "An API key (the value itself; use 32+ random characters). Clients send `Authorization: Bearer <key>` to `/api/...`. None configured or stored: the first start generates one and prints it once.")]
internal sealed class ApiKeyStore(IConfiguration configuration, IServiceScopeFactory scopes)
{
    public const string Section = "Hub:ApiKeys";

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
