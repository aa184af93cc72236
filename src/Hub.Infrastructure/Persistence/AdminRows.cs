namespace Hub.Infrastructure.Persistence;

/// <summary>A local account of the admin UI. Only the password's hash (ASP.NET Core Identity's format) is stored.</summary>
public sealed class AdminUserRow
{
    /// <summary>Lower-cased e-mail, the sign-in name.</summary>
    public required string Email { get; set; }

    public required string PasswordHash { get; set; }

    /// <summary><c>admin</c> or <c>viewer</c>.</summary>
    public required string Role { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// A random value carried in the account's sign-in cookies and checked on every request: changing it (sign-out)
    /// ends every session of the account, also cookies copied elsewhere. Empty for accounts made before it existed.
    /// </summary>
    public string SecurityStamp { get; set; } = "";
}

/// <summary>
/// A one-time setup link's token, printed at a start with no admin account: only its SHA-256 hash is stored, so that
/// any hub process behind the load balancer accepts the link, until it expires or the first account exists.
/// </summary>
public sealed class AdminSetupTokenRow
{
    /// <summary>The token's SHA-256 hash, hex.</summary>
    public required string TokenHash { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>
/// A connector instance added in the admin UI. Its settings are a JSON object; the values of secret options in it are
/// Data Protection ciphertext, never clear text.
/// </summary>
public sealed class StoredConnectorInstanceRow
{
    public required string Id { get; set; }

    public required string Kind { get; set; }

    public required string Settings { get; set; }

    public bool Enabled { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public required string UpdatedBy { get; set; }
}

/// <summary>Who changed what: a connector, a merge, a split, an account.</summary>
public sealed class AuditEntryRow
{
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>The signed-in user's e-mail, an API key's name, or <c>system</c>.</summary>
    public required string Actor { get; set; }

    /// <summary>What was done, such as <c>connector.created</c> or <c>customer.split</c>.</summary>
    public required string Action { get; set; }

    /// <summary>What it was done to: a connector instance id, a customer id.</summary>
    public required string Subject { get; set; }

    public string? Detail { get; set; }
}
