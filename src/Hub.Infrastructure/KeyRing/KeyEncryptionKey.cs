using System.Security.Cryptography;
using Hub.Infrastructure.Configuration;

namespace Hub.Infrastructure.KeyRing;

/// <summary>A 256-bit key-encryption key from <c>Hub:DataProtection</c>, with a short id stored beside what it encrypts.</summary>
internal sealed class KeyEncryptionKey
{
    private KeyEncryptionKey(byte[] key)
    {
        Key = key;
        // Names the key in stored XML so that a wrong one is reported as such; a hash of a 256-bit random key reveals nothing usable.
        Id = Convert.ToHexStringLower(SHA256.HashData(key).AsSpan(0, 8));
    }

    public byte[] Key { get; }

    public string Id { get; }

    public static KeyEncryptionKey Parse(string value, string option)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(value.Trim());
        }
        catch (FormatException)
        {
            throw new HubConfigurationException($"{option} is not base64. Use 32 random bytes in base64, e.g. the output of `openssl rand -base64 32`.");
        }
        if (bytes.Length != 32)
        {
            throw new HubConfigurationException($"{option} must be 32 bytes in base64 (got {bytes.Length} bytes). Use e.g. the output of `openssl rand -base64 32`.");
        }
        return new KeyEncryptionKey(bytes);
    }

    /// <summary>The current key first, then the earlier ones.</summary>
    public static IReadOnlyList<KeyEncryptionKey> All(KeyRingOptions options)
    {
        if (!options.UsesKeyEncryptionKey)
        {
            return [];
        }
        return
        [
            Parse(options.KeyEncryptionKey!, $"{KeyRingOptions.Section}:{nameof(KeyRingOptions.KeyEncryptionKey)}"),
            .. options.PreviousKeyEncryptionKeys.Where(k => !string.IsNullOrWhiteSpace(k))
                .Select((k, i) => Parse(k, $"{KeyRingOptions.Section}:{nameof(KeyRingOptions.PreviousKeyEncryptionKeys)}:{i}")),
        ];
    }
}
