using System.Security.Cryptography;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Infrastructure.KeyRing;

/// <summary>
/// Encrypts a Data Protection key's secret part with the key-encryption key (AES-256-GCM) before the key ring writes it
/// to the database. The stored element names <see cref="KeyEncryptionKeyXmlDecryptor"/> (by its type name: renaming it
/// makes stored keys unreadable) and the key-encryption key's id.
/// </summary>
internal sealed class KeyEncryptionKeyXmlEncryptor(KeyEncryptionKey key) : IXmlEncryptor
{
    internal const string ElementName = "keyEncryptionKeyEncrypted";
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plaintext = System.Text.Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var sealedBytes = new byte[NonceBytes + TagBytes + plaintext.Length];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(key.Key, TagBytes))
        {
            aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes), AssociatedData(key.Id));
        }
        CryptographicOperations.ZeroMemory(plaintext);
        var element = new XElement(ElementName,
            new XComment(" Encrypted with Hub:DataProtection:KeyEncryptionKey (AES-256-GCM). "),
            new XAttribute("keyId", key.Id),
            new XElement("value", Convert.ToBase64String(sealedBytes)));
        return new EncryptedXmlInfo(element, typeof(KeyEncryptionKeyXmlDecryptor));
    }

    internal static byte[] AssociatedData(string keyId) => System.Text.Encoding.ASCII.GetBytes("hub-key-ring:" + keyId);

    internal static XElement Decrypt(XElement encryptedElement, IReadOnlyList<KeyEncryptionKey> keys)
    {
        var keyId = (string?)encryptedElement.Attribute("keyId");
        var option = $"{KeyRingOptions.Section}:{nameof(KeyRingOptions.KeyEncryptionKey)}";
        if (keys.Count == 0)
        {
            throw new InvalidOperationException(
                $"The Data Protection key ring in the database is encrypted with a key-encryption key (id {keyId}), but {option} is not set. Set it to the value the hub was started with.");
        }
        var key = keys.FirstOrDefault(k => k.Id == keyId) ?? throw new InvalidOperationException(
            $"A Data Protection key in the database was encrypted with a different key-encryption key (id {keyId}) than {option} (id {keys[0].Id})"
            + (keys.Count > 1 ? $" or {KeyRingOptions.Section}:{nameof(KeyRingOptions.PreviousKeyEncryptionKeys)}" : "")
            + ". Set the value the hub was started with (an earlier one goes into PreviousKeyEncryptionKeys).");
        var sealedBytes = Convert.FromBase64String((string?)encryptedElement.Element("value") ?? "");
        if (sealedBytes.Length < NonceBytes + TagBytes)
        {
            throw new InvalidOperationException($"A Data Protection key in the database is damaged: its encrypted value is {sealedBytes.Length} bytes long.");
        }
        var plaintext = new byte[sealedBytes.Length - NonceBytes - TagBytes];
        try
        {
            using var aes = new AesGcm(key.Key, TagBytes);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes), plaintext, AssociatedData(key.Id));
            return XElement.Parse(System.Text.Encoding.UTF8.GetString(plaintext));
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new InvalidOperationException($"A Data Protection key in the database does not decrypt with {option} (id {key.Id}): it was changed after it was written.", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}

/// <summary>Created by the key ring (by type name, with the service provider) to read keys <see cref="KeyEncryptionKeyXmlEncryptor"/> wrote.</summary>
internal sealed class KeyEncryptionKeyXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement) =>
        KeyEncryptionKeyXmlEncryptor.Decrypt(encryptedElement, KeyEncryptionKey.All(services.GetRequiredService<KeyRingOptions>()));
}
