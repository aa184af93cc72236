using System.Security.Cryptography;
using Hub.Infrastructure.Configuration;
using Hub.Infrastructure.Persistence;
using Hub.Integration.Tests.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hub.Integration.Tests.KeyRing;

/// <summary>
/// The Data Protection key ring with <c>Hub:DataProtection:KeyEncryptionKey</c>: what the database holds cannot decrypt
/// a secret on its own, the same key reads it after a restart, and a different key stops the start with a message
/// saying so. "Restart" is a new service provider on the same database, started the way the host starts it.
/// </summary>
public sealed class KeyRingProtectionTests : IDisposable
{
    private static readonly string FirstKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly string SecondKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private readonly ScratchDatabases _databases = new();

    public static TheoryData<string> Providers => ScratchDatabases.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task With_a_key_encryption_key_the_stored_keys_hold_no_clear_master_key_and_secrets_decrypt_after_a_restart(string provider)
    {
        var connectionString = await _databases.NewAsync(provider, "keyring");
        var settings = Settings(provider, connectionString, FirstKey);

        string protectedSecret;
        await using (var first = await StartAsync(settings))
        {
            protectedSecret = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("whsec_the-secret");
        }

        var stored = await StoredKeyXmlAsync(provider, connectionString);
        Assert.NotEmpty(stored);
        Assert.All(stored, xml =>
        {
            Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
            Assert.Contains("encryptedSecret", xml, StringComparison.Ordinal);
        });

        await using var restarted = await StartAsync(settings);
        Assert.Equal("whsec_the-secret", restarted.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(protectedSecret));
    }

    [Fact]
    public async Task A_different_key_encryption_key_stops_the_start_naming_the_option()
    {
        var connectionString = await _databases.NewAsync("sqlite", "keyring-wrong");
        await using (var first = await StartAsync(Settings("sqlite", connectionString, FirstKey)))
        {
            first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("whsec_the-secret");
        }

        var before = await StoredKeyXmlAsync("sqlite", connectionString);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(Settings("sqlite", connectionString, SecondKey)));

        Assert.Contains("different key-encryption key", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Hub:DataProtection:KeyEncryptionKey", failure.Message, StringComparison.Ordinal);
        // Stopped before Data Protection loaded the ring: finding no key it could read, it would have made a new one
        // under the wrong key-encryption key, and the right one would then be refused at every later start.
        Assert.Equal(before, await StoredKeyXmlAsync("sqlite", connectionString));
        await using var rightKey = await StartAsync(Settings("sqlite", connectionString, FirstKey));
    }

    [Fact]
    public async Task The_earlier_key_encryption_key_still_reads_keys_stored_under_it_after_a_rotation()
    {
        var connectionString = await _databases.NewAsync("sqlite", "keyring-rotation");
        string protectedSecret;
        await using (var first = await StartAsync(Settings("sqlite", connectionString, FirstKey)))
        {
            protectedSecret = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("whsec_the-secret");
        }
        var rotated = Settings("sqlite", connectionString, SecondKey);
        rotated["Hub:DataProtection:PreviousKeyEncryptionKeys:0"] = FirstKey;

        await using var restarted = await StartAsync(rotated);

        Assert.Equal("whsec_the-secret", restarted.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(protectedSecret));
    }

    [Theory]
    [InlineData("not base64!", "is not base64")]
    [InlineData("c2hvcnQ=", "must be 32 bytes")]
    public async Task A_malformed_key_encryption_key_is_refused_naming_the_option(string value, string expected)
    {
        var connectionString = await _databases.NewAsync("sqlite", "keyring-malformed");

        var failure = await Assert.ThrowsAsync<HubConfigurationException>(() => StartAsync(Settings("sqlite", connectionString, value)));

        Assert.Contains("Hub:DataProtection:KeyEncryptionKey", failure.Message, StringComparison.Ordinal);
        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_stored_in_clear_before_protection_was_configured_are_encrypted_in_place_and_still_decrypt()
    {
        var connectionString = await _databases.NewAsync("sqlite", "keyring-upgrade");
        string before;
        await using (var unprotected = await StartAsync(Settings("sqlite", connectionString, keyEncryptionKey: null)))
        {
            before = unprotected.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("whsec_old");
        }
        Assert.Contains(await StoredKeyXmlAsync("sqlite", connectionString), xml => xml.Contains("<masterKey", StringComparison.Ordinal));
        var logs = new CapturedLogs();

        await using var protectedHub = await StartAsync(Settings("sqlite", connectionString, FirstKey), logs);

        Assert.All(await StoredKeyXmlAsync("sqlite", connectionString), xml => Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.StartsWith("Encrypted 1 Data Protection key(s) that were stored in clear text", StringComparison.Ordinal));
        Assert.Equal("whsec_old", protectedHub.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(before));
    }

    [Fact]
    public async Task After_a_rotation_the_keys_are_encrypted_again_with_the_new_key_encryption_key()
    {
        var connectionString = await _databases.NewAsync("sqlite", "keyring-reencrypt");
        string protectedSecret;
        await using (var first = await StartAsync(Settings("sqlite", connectionString, FirstKey)))
        {
            protectedSecret = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("whsec_the-secret");
        }
        var rotated = Settings("sqlite", connectionString, SecondKey);
        rotated["Hub:DataProtection:PreviousKeyEncryptionKeys:0"] = FirstKey;
        await (await StartAsync(rotated)).DisposeAsync();

        // Without the previous key now: everything was encrypted again with the new one.
        await using var restarted = await StartAsync(Settings("sqlite", connectionString, SecondKey));

        Assert.Equal("whsec_the-secret", restarted.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(protectedSecret));
    }

    [Theory]
    [InlineData("postgresql", true)]
    [InlineData("sqlite", false)]
    public async Task Without_key_protection_production_mode_warns_naming_the_option(string provider, bool warns)
    {
        var connectionString = await _databases.NewAsync(provider, "keyring-unprotected");
        var logs = new CapturedLogs();

        await using var hub = await StartAsync(Settings(provider, connectionString, keyEncryptionKey: null), logs);

        Assert.Equal(warns, logs.Lines.Any(l => l.Contains("Hub:DataProtection:KeyEncryptionKey", StringComparison.Ordinal)));
    }

    private static Dictionary<string, string?> Settings(string provider, string connectionString, string? keyEncryptionKey) => new()
    {
        ["Hub:Database:Provider"] = provider == "sqlite" ? "Sqlite" : "PostgreSql",
        ["Hub:Database:ConnectionString"] = connectionString,
        ["Hub:DataProtection:KeyEncryptionKey"] = keyEncryptionKey,
    };

    /// <summary>The persistence services with their hosted services started in order, as the host starts them.</summary>
    private static async Task<StartedServices> StartAsync(Dictionary<string, string?> settings, CapturedLogs? logs = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => { if (logs is not null) { b.AddProvider(logs); } });
        services.AddHubPersistence(configuration);
        var provider = services.BuildServiceProvider();
        var started = new StartedServices(provider);
        try
        {
            foreach (var hosted in provider.GetServices<IHostedService>())
            {
                await hosted.StartAsync(CancellationToken.None);
                started.Hosted.Add(hosted);
            }
        }
        catch
        {
            await started.DisposeAsync();
            throw;
        }
        return started;
    }

    private static async Task<List<string>> StoredKeyXmlAsync(string provider, string connectionString)
    {
        await using var db = ScratchDatabases.Open(provider, connectionString);
        return await db.DataProtectionKeys.Select(k => k.Xml!).ToListAsync();
    }

    public void Dispose() => _databases.Dispose();

    private sealed class StartedServices(ServiceProvider services) : IAsyncDisposable
    {
        public IServiceProvider Services => services;

        public List<IHostedService> Hosted { get; } = [];

        public async ValueTask DisposeAsync()
        {
            foreach (var hosted in Enumerable.Reverse(Hosted))
            {
                await hosted.StopAsync(CancellationToken.None);
            }
            await services.DisposeAsync();
        }
    }

    private sealed class CapturedLogs : ILoggerProvider
    {
        private readonly List<string> _lines = [];

        public IReadOnlyList<string> Lines { get { lock (_lines) { return [.. _lines]; } } }

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturedLogs logs) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (logs._lines)
                {
                    logs._lines.Add(formatter(state, exception));
                }
            }
        }
    }
}
