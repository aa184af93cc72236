using System.Xml.Linq;
using Hub.Infrastructure.Persistence;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hub.Infrastructure.KeyRing;

/// <summary>
/// At start, after the migrations and before anything uses the key ring:
/// <list type="bullet">
/// <item>every stored key encrypted with a key-encryption key must decrypt with the configured ones (otherwise the hub
/// would fail later, on the first secret, or quietly make a new key);</item>
/// <item>with key protection configured, keys still stored in clear text (written before it was configured) and keys
/// under a previous key-encryption key are encrypted again, in place, with the current one: the key material does not
/// change, so everything protected with it still decrypts;</item>
/// <item>production mode without key protection is warned about.</item>
/// </list>
/// </summary>
internal sealed partial class KeyRingCheck(
    IServiceScopeFactory scopes,
    IOptions<KeyManagementOptions> keyManagement,
    KeyRingOptions options,
    DatabaseOptions database,
    ILogger<KeyRingCheck> logger) : IHostedService
{
    private static readonly XName EncryptedSecret = XName.Get("encryptedSecret", "http://schemas.asp.net/2015/03/dataProtection");
    private static readonly XName RequiresEncryption = XName.Get("requiresEncryption", "http://schemas.asp.net/2015/03/dataProtection");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var keys = KeyEncryptionKey.All(options);
        var encryptor = options.ProtectsKeys ? keyManagement.Value.XmlEncryptor : null;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var rows = await db.DataProtectionKeys.ToListAsync(cancellationToken);
        int encrypted = 0, reencrypted = 0;
        foreach (var row in rows)
        {
            var key = XElement.Parse(row.Xml ?? "<key />");
            if (Ours(key) is { } sealedSecret)
            {
                var secret = KeyEncryptionKeyXmlEncryptor.Decrypt(sealedSecret, keys);
                if (encryptor is not null && keys.Count > 0 && (string?)sealedSecret.Attribute("keyId") != keys[0].Id)
                {
                    sealedSecret.Parent!.ReplaceWith(Seal(encryptor, secret));
                    row.Xml = key.ToString(SaveOptions.DisableFormatting);
                    reencrypted++;
                }
            }
            else if (encryptor is not null && key.Descendants().FirstOrDefault(e => (bool?)e.Attribute(RequiresEncryption) == true) is { } clear)
            {
                clear.ReplaceWith(Seal(encryptor, clear));
                row.Xml = key.ToString(SaveOptions.DisableFormatting);
                encrypted++;
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        if (encrypted > 0)
        {
            LogEncryptedClearKeys(logger, encrypted);
        }
        if (reencrypted > 0)
        {
            LogReencrypted(logger, reencrypted);
        }
        if (!options.ProtectsKeys && KeyRingProtection.IsProduction(database))
        {
            LogUnprotected(logger);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The element <see cref="KeyEncryptionKeyXmlEncryptor"/> wrote in place of the key's secret, if it did.</summary>
    private static XElement? Ours(XElement key) =>
        key.Descendants(EncryptedSecret).Elements().FirstOrDefault(e => e.Name.LocalName == KeyEncryptionKeyXmlEncryptor.ElementName);

    /// <summary>The element the key ring itself writes for an encrypted secret (as XmlEncryptionExtensions does).</summary>
    private static XElement Seal(IXmlEncryptor encryptor, XElement secret)
    {
        var info = encryptor.Encrypt(secret);
        return new XElement(EncryptedSecret, new XAttribute("decryptorType", info.DecryptorType.AssemblyQualifiedName!), info.EncryptedElement);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Data Protection key ring is stored in the database without encryption: a copy of the database is enough to decrypt connector secrets. Set Hub:DataProtection:KeyEncryptionKey (32 random bytes, base64) or Hub:DataProtection:CertificatePath; see docs/operations.md, 'Secrets'.")]
    private static partial void LogUnprotected(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Encrypted {Count} Data Protection key(s) that were stored in clear text (written before Hub:DataProtection was configured). Copies of the database made before now still hold them readable: see docs/operations.md, 'Secrets'.")]
    private static partial void LogEncryptedClearKeys(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Encrypted {Count} Data Protection key(s) again with the current Hub:DataProtection:KeyEncryptionKey; the previous key-encryption keys are no longer needed once every hub process runs with the new one.")]
    private static partial void LogReencrypted(ILogger logger, int count);
}
