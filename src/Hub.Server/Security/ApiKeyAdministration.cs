using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Hub.Infrastructure.Audit;
using Hub.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Security;

/// <summary>
/// The admin page's API key actions: create a stored key with a name and scopes (the key is returned once; only its hash
/// is kept) and revoke a stored one. Both are audited and take effect at once in this process.
/// </summary>
public sealed partial class ApiKeyAdministration(HubDbContext db, ApiKeyStore store, AuditLog audit, TimeProvider time)
{
    public const int MaximumNameLength = 100;

    /// <summary>The new key (shown once), or the problems that kept it from being created.</summary>
    public sealed record Created(string? Key, IReadOnlyList<string> Problems);

    public async Task<Created> CreateAsync(string? name, IReadOnlyList<string> scopes, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        name = name?.Trim() ?? "";
        var problems = new List<string>();
        if (!KeyName().IsMatch(name))
        {
            problems.Add($"Give the key a name of 1 to {MaximumNameLength} letters, digits, dots, dashes or underscores (e.g. twilio-twiml).");
        }
        else if (store.Keys.Any(k => string.Equals(k.Name, name, StringComparison.OrdinalIgnoreCase))
            || await db.ApiKeys.AnyAsync(k => k.Name == name, cancellationToken))
        {
            problems.Add($"A key named {name} exists already; choose another name.");
        }
        problems.AddRange(scopes.Where(s => !ApiScopes.IsKnown(s)).Select(s => $"'{s}' is not a scope."));
        if (scopes.Count == 0)
        {
            problems.Add("Choose at least one scope: give a key only what its client needs.");
        }
        if (problems.Count > 0)
        {
            return new Created(null, problems);
        }
        var key = "hub_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var list = ApiScopes.Format(ApiScopes.All.Select(s => s.Scope).Where(scopes.Contains));
        db.ApiKeys.Add(new ApiKeyRow { Name = name, KeyHash = Convert.ToHexString(list is null ? ApiKeyStore.Hash(key) : ApiKeyStore.ScopedHash(key)), Scopes = list, CreatedAt = time.GetUtcNow(), CreatedBy = actor });
        audit.Add(db, actor, AuditActions.ApiKeyCreated, name, list);
        await db.SaveChangesAsync(cancellationToken);
        await store.LoadAsync(cancellationToken);
        return new Created(key, []);
    }

    /// <summary>Deletes a stored key; a configured one cannot be revoked here (it is removed from the configuration).</summary>
    public async Task<IReadOnlyList<string>> RevokeAsync(string? name, string actor, CancellationToken cancellationToken)
    {
        var row = name is null ? null : await db.ApiKeys.SingleOrDefaultAsync(k => k.Name == name, cancellationToken);
        if (row is null)
        {
            return store.Keys.Any(k => k.Name == name && k.Source == ApiKeySource.Configuration)
                ? [$"{name} is configured (Hub:ApiKeys:{name}): remove it from the configuration and restart the hub."]
                : [$"There is no stored key named {name}."];
        }
        db.ApiKeys.Remove(row);
        audit.Add(db, actor, AuditActions.ApiKeyRevoked, row.Name, row.Scopes);
        await db.SaveChangesAsync(cancellationToken);
        await store.LoadAsync(cancellationToken);
        return [];
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,100}$")]
    private static partial Regex KeyName();
}
