using System.Security.Cryptography;
using System.Text.Json;
using Hub.Contracts.Connectors;
using Hub.Infrastructure.Audit;
using Hub.Infrastructure.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hub.Infrastructure.Connectors;

/// <summary>
/// The connector instances added in the admin UI (<c>connector_instances</c>). Secret option values are encrypted with
/// Data Protection (the key ring is in the database, so every hub process can read them) and never leave this class in
/// clear text except inside the running <see cref="ConnectorInstances"/>. Every change is audited in its transaction,
/// then the running list is reloaded, which signals its change token.
/// </summary>
public sealed partial class StoredConnectorInstances(
    ConnectorInstances instances,
    IServiceScopeFactory scopes,
    IDataProtectionProvider protection,
    AuditLog audit,
    TimeProvider time,
    ILogger<StoredConnectorInstances> logger)
{
    private readonly IDataProtector _secrets = protection.CreateProtector("Hub.ConnectorInstances.Secrets");
    private readonly Lock _undecryptableGate = new();
    private IReadOnlySet<string> _undecryptable = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Whether the last reload found that the enabled stored instance's secrets cannot be decrypted, so it is not run
    /// until they are entered again.
    /// </summary>
    public bool HasUndecryptableSecrets(string id) => _undecryptable.Contains(id);

    /// <summary>
    /// Reads every stored instance and hands the enabled, valid ones to <see cref="ConnectorInstances"/>. One that shares a
    /// unique value (a remote connector's token) with a configured instance or another stored one is not run, nor is that
    /// other stored one: which of them a caller meant cannot be told (saving refuses this; two processes saving at once can
    /// still get there).
    /// </summary>
    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        var rows = await ListAsync(cancellationToken);
        var candidates = new List<(ConnectorInstance Instance, IConnector Connector)>();
        var undecryptable = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var row in rows.Where(r => r.Enabled && !instances.IsConfigured(r.Id)))
        {
            if (!instances.Connectors.TryGetValue(row.Kind, out var connector))
            {
                LogUnknownKind(logger, row.Id, row.Kind);
                continue;
            }
            var (settings, unreadable) = ReadableSettings(row, connector);
            if (unreadable.Count > 0)
            {
                // The Data Protection key its secrets were encrypted with is gone (a lost key-encryption key, a database
                // restored without its keys): the other instances run, and this one waits for its secrets to be entered again.
                undecryptable[row.Id] = string.Join("; ", unreadable.Select(u => $"{u.Option}: {u.Reason}"));
                continue;
            }
            if (ConnectorSettingsValidator.Validate(connector, settings) is { Count: > 0 } problems)
            {
                LogInvalid(logger, row.Id, string.Join(" ", problems));
                continue;
            }
            candidates.Add((new ConnectorInstance(row.Id, connector.Descriptor.Kind, settings), connector));
        }
        var configured = instances.All.Where(i => instances.IsConfigured(i.Id)).ToList();
        var running = new List<ConnectorInstance>();
        foreach (var (instance, connector) in candidates)
        {
            var others = configured.Concat(candidates.Select(c => c.Instance));
            if (ConnectorInstances.SharedUniqueValues(connector, instance, others).ToList() is { Count: > 0 } shared)
            {
                LogInvalid(logger, instance.Id, string.Join(" ", shared.Select(s => $"'{s.Option}' is the same as instance '{s.OtherId}''s.")));
                continue;
            }
            running.Add(instance);
        }
        instances.ReplaceStored(running);
        RecordUndecryptable(undecryptable);
    }

    /// <summary>Logs an instance when it becomes undecryptable, not on every reload (every 10 s) while it stays so.</summary>
    private void RecordUndecryptable(Dictionary<string, string> undecryptable)
    {
        List<string> newly;
        lock (_undecryptableGate)
        {
            newly = [.. undecryptable.Keys.Where(id => !_undecryptable.Contains(id))];
            _undecryptable = new HashSet<string>(undecryptable.Keys, StringComparer.OrdinalIgnoreCase);
        }
        foreach (var id in newly)
        {
            LogUndecryptable(logger, id, undecryptable[id]);
        }
    }

    public async Task<IReadOnlyList<StoredConnectorInstanceRow>> ListAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        return await db.StoredConnectorInstances.AsNoTracking().OrderBy(r => r.Id).ToListAsync(cancellationToken);
    }

    public async Task<StoredConnectorInstanceRow?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        return await db.StoredConnectorInstances.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
    }

    /// <summary>The stored settings without secrets: what the edit form may show.</summary>
    public IReadOnlyDictionary<string, string> VisibleSettings(StoredConnectorInstanceRow row, IConnector connector)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(connector);
        var secrets = SecretNames(connector);
        return Read(row).Where(kv => !secrets.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The settings with the secrets decrypted, leaving out each secret that cannot be decrypted (the Data Protection key
    /// it was encrypted with is gone); those are named in <c>Unreadable</c> with the reason.
    /// </summary>
    public (ConnectorSettings Settings, IReadOnlyList<(string Option, string Reason)> Unreadable) ReadableSettings(StoredConnectorInstanceRow row, IConnector connector)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(connector);
        var secrets = SecretNames(connector);
        var readable = new List<KeyValuePair<string, string?>>();
        var unreadable = new List<(string Option, string Reason)>();
        foreach (var (name, value) in Read(row))
        {
            if (!secrets.Contains(name))
            {
                readable.Add(KeyValuePair.Create(name, (string?)value));
                continue;
            }
            try
            {
                readable.Add(KeyValuePair.Create(name, (string?)_secrets.Unprotect(value)));
            }
            catch (CryptographicException e)
            {
                unreadable.Add((name, e.Message));
            }
        }
        return (new ConnectorSettings(readable), unreadable);
    }

    /// <summary>
    /// Validates and saves an instance. A secret left empty on an existing instance keeps its stored value (secrets are
    /// write-only: the form never shows them). <paramref name="create"/> says whether the id must be new or must exist.
    /// Returns the problems; nothing is saved when there are any.
    /// </summary>
    public async Task<IReadOnlyList<string>> SaveAsync(
        string id, string kind, IReadOnlyDictionary<string, string?> values, bool enabled, bool create, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (!ConnectorInstances.IsValidId(id))
        {
            return ["'Id' may hold only letters, digits, '-' and '_' (at most 100)."];
        }
        if (instances.IsConfigured(id))
        {
            return [$"'Id': '{id}' is managed by configuration (Hub:Connectors:{id}); change it there."];
        }
        if (!instances.Connectors.TryGetValue(kind, out var connector))
        {
            return [$"'Kind' must be one of {string.Join(", ", instances.Connectors.Keys)}."];
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var row = await db.StoredConnectorInstances.FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (row is not null && create)
        {
            return [$"'Id': an instance '{id}' exists already; pick another id or edit that one."];
        }
        if (row is null && !create)
        {
            return [$"'Id': there is no instance '{id}' (any more)."];
        }
        if (row is not null && !row.Kind.Equals(kind, StringComparison.OrdinalIgnoreCase))
        {
            return [$"'{id}' is a {row.Kind} instance; its kind cannot change."];
        }
        var secrets = SecretNames(connector);
        var kept = row is null ? new ConnectorSettings([]) : ReadableSettings(row, connector).Settings;
        var (settings, secretProblems) = WithStoredSecrets(row, connector, values);
        var problems = ConnectorSettingsValidator.Validate(connector, settings);
        if (secretProblems.Count > 0 || problems.Count > 0)
        {
            return [.. secretProblems, .. WithoutProblemsFor(problems, secretProblems)];
        }
        var shared = ConnectorInstances.SharedUniqueValues(
            connector, new ConnectorInstance(id, connector.Descriptor.Kind, settings), await OtherInstancesAsync(db, connector, cancellationToken)).ToList();
        if (shared.Count > 0)
        {
            // Not naming the other instance: the value is often a secret, and the message would confirm a guess of it.
            return [.. shared.Select(s => s.Option).Distinct().Select(option =>
                $"'{option}' is the same as another {connector.Descriptor.Kind} instance's; it tells the instances apart, so each needs its own.")];
        }
        var stored = settings.Keys.ToDictionary(k => k, k => secrets.Contains(k) ? _secrets.Protect(settings.Get(k)!) : settings.Get(k)!);
        var now = time.GetUtcNow();
        if (row is null)
        {
            row = new StoredConnectorInstanceRow { Id = id, Kind = connector.Descriptor.Kind, Settings = "{}", CreatedAt = now, UpdatedBy = actor };
            db.StoredConnectorInstances.Add(row);
            audit.Add(db, actor, AuditActions.ConnectorCreated, id, $"{connector.Descriptor.Kind}, {(enabled ? "enabled" : "disabled")}");
        }
        else
        {
            var changed = settings.Keys.Concat(Read(row).Keys).Distinct(StringComparer.OrdinalIgnoreCase)
                .Where(k => !Equals(settings.Get(k), kept.Get(k))).ToList();
            audit.Add(db, actor, row.Enabled == enabled ? AuditActions.ConnectorUpdated : enabled ? AuditActions.ConnectorEnabled : AuditActions.ConnectorDisabled,
                id, changed.Count == 0 ? null : "changed: " + string.Join(", ", changed));
        }
        row.Settings = JsonSerializer.Serialize(stored);
        row.Enabled = enabled;
        row.UpdatedAt = now;
        row.UpdatedBy = actor;
        await db.SaveChangesAsync(cancellationToken);
        await ReloadAsync(cancellationToken);
        return [];
    }

    /// <summary>
    /// The form's values, with each secret left empty taken from the stored instance (secrets are write-only). When a
    /// destination option (<see cref="ConnectorOptionDescriptor.IsDestination"/>) differs from the stored value, no stored
    /// secret is taken: each one left empty is a problem instead, so a changed address never receives a stored secret.
    /// A stored secret that cannot be decrypted is never kept: left empty, it is a problem naming it.
    /// </summary>
    public (ConnectorSettings Settings, IReadOnlyList<string> Problems) WithStoredSecrets(
        StoredConnectorInstanceRow? row, IConnector connector, IReadOnlyDictionary<string, string?> values)
    {
        ArgumentNullException.ThrowIfNull(connector);
        ArgumentNullException.ThrowIfNull(values);
        var options = connector.Descriptor.Options;
        var (kept, unreadable) = row is null ? (new ConnectorSettings([]), []) : ReadableSettings(row, connector);
        var changedDestinations = row is null ? [] : options
            .Where(o => o.IsDestination && !string.Equals(Effective(o, values.GetValueOrDefault(o.Name)), Effective(o, kept.Get(o.Name)), StringComparison.Ordinal))
            .Select(o => o.Name)
            .ToList();
        var merged = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var problems = new List<string>();
        foreach (var option in options)
        {
            var value = values.GetValueOrDefault(option.Name);
            if (option.IsSecret && string.IsNullOrWhiteSpace(value) && unreadable.Any(u => u.Option.Equals(option.Name, StringComparison.OrdinalIgnoreCase)))
            {
                problems.Add($"'{option.Name}' must be entered again: its stored value cannot be decrypted (the key it was encrypted with is gone).");
                continue;
            }
            if (option.IsSecret && string.IsNullOrWhiteSpace(value) && kept.Get(option.Name) is { } storedSecret)
            {
                if (changedDestinations.Count > 0)
                {
                    problems.Add($"'{option.Name}' must be entered again: {string.Join(", ", changedDestinations.Select(n => $"'{n}'"))} changed, and a stored secret is never sent to a changed address.");
                    continue;
                }
                value = storedSecret;
            }
            merged[option.Name] = value;
        }
        return (new ConnectorSettings(merged), problems);
    }

    /// <summary>Records a connection test in the audit log: who tested which instance, against which destinations, with what outcome.</summary>
    public async Task RecordConnectionTestAsync(string subject, IConnector connector, ConnectorSettings settings, string outcome, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connector);
        ArgumentNullException.ThrowIfNull(settings);
        var destinations = connector.Descriptor.Options.Where(o => o.IsDestination && settings.Get(o.Name) is not null)
            .Select(o => $"{o.Name}={settings.Get(o.Name)}");
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var detail = string.Join(", ", [$"{connector.Descriptor.Kind}: {outcome}", .. destinations]);
        audit.Add(db, actor, AuditActions.ConnectorTested, subject, detail.Length > 2000 ? detail[..2000] : detail);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The validator's problems about options that already have one (a secret to enter again is also "required").</summary>
    public static IEnumerable<string> WithoutProblemsFor(IEnumerable<string> problems, IReadOnlyList<string> first)
    {
        var named = first.Select(p => p[..(p.IndexOf('\'', 1) + 1)]).ToList();
        return problems.Where(p => !named.Any(n => p.StartsWith(n, StringComparison.OrdinalIgnoreCase)));
    }

    private static string Effective(ConnectorOptionDescriptor option, string? value) =>
        string.IsNullOrWhiteSpace(value) ? option.DefaultValue?.Trim() ?? "" : value.Trim();

    public async Task<bool> SetEnabledAsync(string id, bool enabled, string actor, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var row = await db.StoredConnectorInstances.FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (row is null)
        {
            return false;
        }
        if (row.Enabled != enabled)
        {
            row.Enabled = enabled;
            row.UpdatedAt = time.GetUtcNow();
            row.UpdatedBy = actor;
            audit.Add(db, actor, enabled ? AuditActions.ConnectorEnabled : AuditActions.ConnectorDisabled, id);
            await db.SaveChangesAsync(cancellationToken);
        }
        await ReloadAsync(cancellationToken);
        return true;
    }

    public async Task<bool> DeleteAsync(string id, string actor, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var row = await db.StoredConnectorInstances.FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (row is null)
        {
            return false;
        }
        db.StoredConnectorInstances.Remove(row);
        audit.Add(db, actor, AuditActions.ConnectorDeleted, id, row.Kind);
        await db.SaveChangesAsync(cancellationToken);
        await ReloadAsync(cancellationToken);
        return true;
    }

    /// <summary>Every instance of the connector's kind, configured or stored (disabled ones too: they may be enabled again).</summary>
    private async Task<List<ConnectorInstance>> OtherInstancesAsync(HubDbContext db, IConnector connector, CancellationToken cancellationToken)
    {
        var kind = connector.Descriptor.Kind;
        var all = instances.All.Where(i => instances.IsConfigured(i.Id) && i.Kind.Equals(kind, StringComparison.OrdinalIgnoreCase)).ToList();
        var rows = await db.StoredConnectorInstances.AsNoTracking().Where(r => r.Kind == kind).ToListAsync(cancellationToken);
        all.AddRange(rows.Where(r => !instances.IsConfigured(r.Id)).Select(r => new ConnectorInstance(r.Id, kind, ReadableSettings(r, connector).Settings)));
        return all;
    }

    /// <summary>The names of the options the instance has a value for, secrets included.</summary>
    public static IReadOnlySet<string> SetOptionNames(StoredConnectorInstanceRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return Read(row).Keys.ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    private static Dictionary<string, string> Read(StoredConnectorInstanceRow row) =>
        new(JsonSerializer.Deserialize<Dictionary<string, string>>(row.Settings) ?? [], StringComparer.OrdinalIgnoreCase);

    private static HashSet<string> SecretNames(IConnector connector) =>
        new(connector.Descriptor.Options.Where(o => o.IsSecret).Select(o => o.Name), StringComparer.OrdinalIgnoreCase);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stored connector instance '{Id}' has kind '{Kind}', which no installed connector serves; it is not run")]
    private static partial void LogUnknownKind(ILogger logger, string id, string kind);

    [LoggerMessage(Level = LogLevel.Error, Message = "The secrets of stored connector instance '{Id}' cannot be decrypted ({Reason}); it is not run. Enter its secrets again in the admin UI (docs/operations.md, 'Secrets')")]
    private static partial void LogUndecryptable(ILogger logger, string id, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stored connector instance '{Id}' is not valid and is not run: {Problems}")]
    private static partial void LogInvalid(ILogger logger, string id, string problems);
}
