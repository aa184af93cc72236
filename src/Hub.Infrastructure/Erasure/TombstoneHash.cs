using System.Security.Cryptography;
using System.Text;
using Hub.Contracts.Identity;

namespace Hub.Infrastructure.Erasure;

/// <summary>The tombstone of an erased identifier: hex SHA-256 of its normalized <c>type:value</c>.</summary>
public static class TombstoneHash
{
    public static string Of(CustomerIdentifier identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{identifier.Type}:{identifier.Value}")));
    }
}
