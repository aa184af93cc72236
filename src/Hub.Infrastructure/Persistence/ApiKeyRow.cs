namespace Hub.Infrastructure.Persistence;

/// <summary>An API key the hub generated at first start or an admin created; only its SHA-256 hash is stored.</summary>
public sealed class ApiKeyRow
{
    public required string Name { get; set; }

    public required string KeyHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>What the key may do: scopes separated by spaces; null or empty for everything.</summary>
    public string? Scopes { get; set; }

    /// <summary>The admin who created the key on the admin page; null for the key generated at first start.</summary>
    public string? CreatedBy { get; set; }
}
