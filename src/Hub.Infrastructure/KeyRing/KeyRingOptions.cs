using System.ComponentModel;

namespace Hub.Infrastructure.KeyRing;

/// <summary>
/// <c>Hub:DataProtection</c>: how the Data Protection key ring (which encrypts connector secrets and signs the admin
/// cookie) is itself encrypted before it is written to the database. Without one of these options the keys are
/// stored as they are, and a copy of the database is enough to decrypt the secrets.
/// </summary>
public sealed class KeyRingOptions
{
    public const string Section = "Hub:DataProtection";

    [Description("A key-encryption key: 32 random bytes in base64 (`openssl rand -base64 32`). Each Data Protection key is encrypted with it (AES-256-GCM) before it is stored, so the database alone cannot decrypt connector secrets. Keep it in a secret store, not in the database's backups. Every hub process needs the same value.")]
    public string? KeyEncryptionKey { get; set; }

    [Description("Earlier key-encryption keys, still accepted for decrypting keys stored under them (rotation: move the old `KeyEncryptionKey` here and set a new one). Remove an entry once every key stored under it has expired (90 days).")]
    public List<string> PreviousKeyEncryptionKeys { get; set; } = [];

    [Description("Instead of a key-encryption key: an X.509 certificate (PFX file) whose public key encrypts each Data Protection key (ASP.NET Core's `ProtectKeysWithCertificate`). Its private key is needed to read them.")]
    public string? CertificatePath { get; set; }

    [Description("The password of `CertificatePath`'s PFX file.")]
    public string? CertificatePassword { get; set; }

    [Description("Instead of `CertificatePath`: the thumbprint of a certificate with its private key in the current user's or the machine's `My` store.")]
    public string? CertificateThumbprint { get; set; }

    internal bool UsesCertificate => !string.IsNullOrWhiteSpace(CertificatePath) || !string.IsNullOrWhiteSpace(CertificateThumbprint);

    internal bool UsesKeyEncryptionKey => !string.IsNullOrWhiteSpace(KeyEncryptionKey);

    internal bool ProtectsKeys => UsesCertificate || UsesKeyEncryptionKey;

    /// <summary>How the key ring is protected, for the start-up summary; never the key or the certificate's password.</summary>
    public string Protection() =>
        UsesKeyEncryptionKey ? $"key-encryption key ({PreviousKeyEncryptionKeys.Count} previous)"
        : !string.IsNullOrWhiteSpace(CertificatePath) ? $"certificate file {CertificatePath}"
        : !string.IsNullOrWhiteSpace(CertificateThumbprint) ? $"certificate {CertificateThumbprint.Trim()} from the store"
        : "none (keys stored unencrypted: set Hub:DataProtection:KeyEncryptionKey)";
}
