namespace Hub.Infrastructure.Persistence;

/// <summary>An API key the hub generated; only its SHA-256 hash is stored.</summary>
public sealed class ApiKeyRow
{
    public required string Name { get; set; }

    public required string KeyHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
