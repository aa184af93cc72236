using System.Security.Cryptography.X509Certificates;
using Hub.Infrastructure.Configuration;
using Hub.Infrastructure.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

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
            throw new HubConfigurationException(
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
        RunCheckBeforeTheKeyRingLoads(builder.Services);
        return builder;
    }

    /// <summary>
    /// Hosted services start in the order they were added, and Data Protection adds one that loads the key ring.
    /// Loading it with a wrong key-encryption key finds no key it can read and makes a new one under the wrong key,
    /// which the right key then cannot read: so the check goes in just before that service.
    /// </summary>
    private static void RunCheckBeforeTheKeyRingLoads(IServiceCollection services)
    {
        var check = ServiceDescriptor.Singleton<IHostedService, KeyRingCheck>();
        var dataProtection = typeof(KeyManagementOptions).Assembly;
        var loader = services.Select((descriptor, index) => (descriptor, index))
            .FirstOrDefault(d => d.descriptor.ServiceType == typeof(IHostedService) && d.descriptor.ImplementationType?.Assembly == dataProtection);
        if (loader.descriptor is null)
        {
            services.Add(check);
        }
        else
        {
            services.Insert(loader.index, check);
        }
    }

    private static X509Certificate2 LoadCertificate(string path, string? password)
    {
        var option = $"{KeyRingOptions.Section}:{nameof(KeyRingOptions.CertificatePath)}";
        if (!File.Exists(path))
        {
            throw new HubConfigurationException($"{option}: no file at '{path}'.");
        }
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new HubConfigurationException($"{option}: '{path}' cannot be read as a PFX file with {KeyRingOptions.Section}:{nameof(KeyRingOptions.CertificatePassword)}: {e.Message}", e);
        }
        if (!certificate.HasPrivateKey)
        {
            throw new HubConfigurationException($"{option}: '{path}' holds no private key; the hub needs it to read the keys it encrypts.");
        }
        return certificate;
    }

    internal static bool IsProduction(DatabaseOptions database) => database.Provider == DatabaseProvider.PostgreSql;
}
