using System.Security.Cryptography.X509Certificates;
using Hub.Infrastructure.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Infrastructure.KeyRing;

public static class KeyRingProtection
{
    /// <summary>
    /// Encrypts each Data Protection key before it is stored: with the key-encryption key or the certificate of
    /// <c>Hub:DataProtection</c>. Neither configured: keys are stored as they are (<see cref="KeyRingCheck"/> warns in
    /// production mode).
    /// </summary>
    public static IDataProtectionBuilder ProtectKeyRing(this IDataProtectionBuilder builder, IConfiguration configuration)
    {
        var options = configuration.GetSection(KeyRingOptions.Section).Get<KeyRingOptions>() ?? new KeyRingOptions();
        builder.Services.AddSingleton(options);
        if (options.UsesKeyEncryptionKey && options.UsesCertificate)
        {
            throw new InvalidOperationException(
                $"{KeyRingOptions.Section}: set either KeyEncryptionKey or a certificate (CertificatePath / CertificateThumbprint), not both.");
        }
        // Parsed now so that a malformed key stops the start with its own message.
        var keys = KeyEncryptionKey.All(options);
        if (keys.Count > 0)
        {
            builder.Services.Configure<KeyManagementOptions>(o => o.XmlEncryptor = new KeyEncryptionKeyXmlEncryptor(keys[0]));
        }
        else if (!string.IsNullOrWhiteSpace(options.CertificatePath))
        {
            var certificate = LoadCertificate(options.CertificatePath, options.CertificatePassword);
            builder.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
        }
        else if (!string.IsNullOrWhiteSpace(options.CertificateThumbprint))
        {
            builder.ProtectKeysWithCertificate(options.CertificateThumbprint.Trim());
        }
        builder.Services.AddHostedService<KeyRingCheck>();
        return builder;
    }

    private static X509Certificate2 LoadCertificate(string path, string? password)
    {
        var option = $"{KeyRingOptions.Section}:{nameof(KeyRingOptions.CertificatePath)}";
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{option}: no file at '{path}'.");
        }
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new InvalidOperationException($"{option}: '{path}' cannot be read as a PFX file with {KeyRingOptions.Section}:{nameof(KeyRingOptions.CertificatePassword)}: {e.Message}", e);
        }
        if (!certificate.HasPrivateKey)
        {
            throw new InvalidOperationException($"{option}: '{path}' holds no private key; the hub needs it to read the keys it encrypts.");
        }
        return certificate;
    }

    internal static bool IsProduction(DatabaseOptions database) => database.Provider == DatabaseProvider.PostgreSql;
}
