using Hub.Contracts.Connectors;
using Hub.Infrastructure.Audit;
using Hub.Infrastructure.Connectors;
using Hub.Integration.Tests.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hub.Integration.Tests.KeyRing;

/// <summary>
/// A stored instance whose secret was encrypted under a Data Protection key this process does not have (two ephemeral
/// providers stand in for the key ring before and after the keys were lost): the hub re-reads the stored instances every
/// 10 s, and says once that it cannot decrypt them, not on every reload; saving needs the secret typed again.
/// </summary>
public sealed class UndecryptableSecretsTests : IDisposable
{
    private readonly ScratchDatabases _databases = new();
    private readonly ServiceCollection _services = new();
    private readonly ErrorLog _log = new();

    [Fact]
    public async Task The_error_is_logged_once_when_an_instance_becomes_undecryptable_and_again_only_after_it_was_readable()
    {
        var open = await _databases.NewMigratedAsync("sqlite", "undecryptable");
        _services.AddScoped(_ => open());
        await using var provider = _services.BuildServiceProvider();
        var scopes = provider.GetRequiredService<IServiceScopeFactory>();
        var before = Store(scopes, new EphemeralDataProtectionProvider());
        var after = Store(scopes, new EphemeralDataProtectionProvider());
        Assert.Empty(await before.SaveAsync("lost", Connector.Kind, Secret("before-the-keys-were-lost"), enabled: true, create: true, "admin", CancellationToken.None));

        for (var reload = 0; reload < 3; reload++)
        {
            await after.ReloadAsync(CancellationToken.None);
        }

        Assert.Single(_log.Errors, e => e.Contains("'lost' cannot be decrypted", StringComparison.Ordinal));
        Assert.True(after.HasUndecryptableSecrets("lost"));

        // An empty secret cannot keep a stored value nobody can read: the problem names it.
        var problems = await after.SaveAsync("lost", Connector.Kind, Secret(""), enabled: true, create: false, "admin", CancellationToken.None);
        Assert.Equal(["'Secret' must be entered again: its stored value cannot be decrypted (the key it was encrypted with is gone)."], problems);

        Assert.Empty(await after.SaveAsync("lost", Connector.Kind, Secret("entered-again"), enabled: true, create: false, "admin", CancellationToken.None));
        await after.ReloadAsync(CancellationToken.None);
        Assert.False(after.HasUndecryptableSecrets("lost"));
        Assert.Single(_log.Errors);

        // Undecryptable again (here: saved under the other key), it is logged again, once.
        Assert.Empty(await before.SaveAsync("lost", Connector.Kind, Secret("under-the-old-key"), enabled: true, create: false, "admin", CancellationToken.None));
        await after.ReloadAsync(CancellationToken.None);
        await after.ReloadAsync(CancellationToken.None);
        Assert.Equal(2, _log.Errors.Count);
    }

    public void Dispose() => _databases.Dispose();

    private StoredConnectorInstances Store(IServiceScopeFactory scopes, IDataProtectionProvider protection) => new(
        new ConnectorInstances([new Connector()], new ConfigurationBuilder().Build()), scopes, protection, new AuditLog(TimeProvider.System), TimeProvider.System, _log);

    private static Dictionary<string, string?> Secret(string value) => new() { ["Secret"] = value };

    private sealed class Connector : IConnector
    {
        public const string Kind = "secretive";

        public ConnectorDescriptor Descriptor { get; } = new(Kind, "Secretive", "One secret.",
            [new ConnectorOptionDescriptor("Secret", "Secret", ConnectorOptionType.Secret, Required: true, "A secret.")]);
    }

    private sealed class ErrorLog : ILogger<StoredConnectorInstances>
    {
        private readonly List<string> _errors = [];

        public IReadOnlyList<string> Errors
        {
            get
            {
                lock (_errors)
                {
                    return [.. _errors];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error)
            {
                lock (_errors)
                {
                    _errors.Add(formatter(state, exception));
                }
            }
        }
    }
}
