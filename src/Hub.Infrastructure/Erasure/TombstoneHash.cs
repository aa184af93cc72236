using System.Security.Cryptography;
using System.Text;
using Hub.Contracts.Identity;

namespace Hub.Infrastructure.Erasure;

/// <summary>
/// The tombstone of an erased identifier (hex SHA-256 of its normalized <c>type:value</c>) or of an erased
/// touchpoint (of <c>touchpoint:id</c>: the id is derived from instance and source event id, so the same event sent
/// again has the same one).
/// </summary>
public static class TombstoneHash
{
    public static string Of(CustomerIdentifier identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{identifier.Type}:{identifier.Value}")));
    }

    public static string Of(Guid touchpointId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"touchpoint:{touchpointId:D}")));
}
