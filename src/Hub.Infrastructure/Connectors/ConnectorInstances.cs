using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Hub.Contracts.Connectors;
using Hub.Infrastructure.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace Hub.Infrastructure.Connectors;

/// <summary>
/// Every connector instance the hub runs: those declared under <c>Hub:Connectors:&lt;instanceId&gt;</c> (<c>Kind</c> plus the
/// connector's options), validated when the hub starts (a misconfigured instance stops the start with a message naming
/// the instance and the problem), and those added in the admin UI (<see cref="StoredConnectorInstances"/>), which can
/// change at run time. A configured instance wins over a stored one of the same id.
/// Whoever builds something from the list (routes, endpoints) watches <see cref="GetChangeToken"/>.
/// </summary>
[FreeFormConfiguration("<instanceId>")]
[ConfigurationKey("<instanceId>:Kind", "The connector kind of instance `<instanceId>` (letters, digits, `-`, `_`), which receives webhooks at `/webhooks/<instanceId>`. Its options follow below, per kind.")]
public sealed partial class ConnectorInstances
{
    public const string Section = "Hub:Connectors";

    private readonly ImmutableDictionary<string, (ConnectorInstance Instance, IConnector Connector)> _configured;
    private readonly Dictionary<string, IConnector> _byKind;
    private readonly Lock _changeLock = new();
    private volatile ImmutableDictionary<string, (ConnectorInstance Instance, IConnector Connector)> _all;
    private CancellationTokenSource _changed = new();

    public ConnectorInstances(IEnumerable<IConnector> connectors, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _byKind = connectors.ToDictionary(c => c.Descriptor.Kind, StringComparer.OrdinalIgnoreCase);
        var configured = ImmutableDictionary.CreateBuilder<string, (ConnectorInstance, IConnector)>(StringComparer.OrdinalIgnoreCase);
        var problems = new List<string>();
        foreach (var section in configuration.GetSection(Section).GetChildren())
        {
            var id = section.Key;
            if (!IsValidId(id))
            {
                problems.Add($"Connector instance '{id}': the id may hold only letters, digits, '-' and '_' (at most 100).");
                continue;
            }
            var kind = section["Kind"];
            if (string.IsNullOrWhiteSpace(kind) || !_byKind.TryGetValue(kind, out var connector))
            {
                problems.Add($"Connector instance '{id}': Hub:Connectors:{id}:Kind must be one of {string.Join(", ", _byKind.Keys)} (got '{kind}').");
                continue;
            }
            var prefix = section.Path + ConfigurationPath.KeyDelimiter;
            var settings = new ConnectorSettings(section.AsEnumerable()
                .Where(kv => kv.Key.Length > prefix.Length && !kv.Key.Equals(prefix + "Kind", StringComparison.OrdinalIgnoreCase))
                .Select(kv => KeyValuePair.Create(kv.Key[prefix.Length..], kv.Value)));
            var invalid = ConnectorSettingsValidator.Validate(connector, settings);
            if (invalid.Count > 0)
            {
                problems.AddRange(invalid.Concat(UndeclaredConnectorOptions.AsHints(UndeclaredConnectorOptions.In(section, connector.Descriptor)))
                    .Select(p => $"Connector instance '{id}' ({connector.Descriptor.Kind}): {p}"));
                continue;
            }
            var instance = new ConnectorInstance(id, connector.Descriptor.Kind, settings);
            foreach (var (option, other) in SharedUniqueValues(connector, instance, configured.Values.Select(v => v.Item1)))
            {
                problems.Add($"Connector instances '{other}' and '{id}' ({connector.Descriptor.Kind}) have the same '{option}'; it tells the instances apart, so each needs its own.");
            }
            configured[id] = (instance, connector);
        }
        if (problems.Count > 0)
        {
            throw new HubConfigurationException("Connector configuration is not valid:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
        }
        _configured = configured.ToImmutable();
        _all = _configured;
    }

    /// <summary>Every running instance, configured and stored (enabled ones only).</summary>
    public IEnumerable<ConnectorInstance> All => _all.Values.Select(v => v.Instance);

    /// <summary>The installed connectors by kind: what an instance can be made of.</summary>
    public IReadOnlyDictionary<string, IConnector> Connectors => _byKind;

    /// <summary>Whether the instance comes from configuration (read-only in the admin UI).</summary>
    public bool IsConfigured(string id) => _configured.ContainsKey(id);

    public bool TryGet(string id, out ConnectorInstance instance, out IConnector connector)
    {
        if (_all.TryGetValue(id, out var entry))
        {
            (instance, connector) = entry;
            return true;
        }
        (instance, connector) = (null!, null!);
        return false;
    }

    /// <summary>Fires once the next time the list changes; take a new token after it fired.</summary>
    public IChangeToken GetChangeToken()
    {
        lock (_changeLock)
        {
            return new CancellationChangeToken(_changed.Token);
        }
    }

    /// <summary>Replaces the stored (run-time) instances; configured ones keep precedence. Signals a change when the list differs.</summary>
    public void ReplaceStored(IEnumerable<ConnectorInstance> stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var all = _configured.ToBuilder();
        foreach (var instance in stored)
        {
            if (!all.ContainsKey(instance.Id) && _byKind.TryGetValue(instance.Kind, out var connector))
            {
                all[instance.Id] = (instance, connector);
            }
        }
        var next = all.ToImmutable();
        if (SameInstances(_all, next))
        {
            return;
        }
        CancellationTokenSource fired;
        lock (_changeLock)
        {
            _all = next;
            fired = _changed;
            _changed = new CancellationTokenSource();
        }
        fired.Cancel();
    }

    public static bool IsValidId(string id) => InstanceId().IsMatch(id);

    /// <summary>
    /// The options marked <see cref="ConnectorOptionDescriptor.UniqueAmongInstances"/> whose value <paramref name="instance"/>
    /// shares with another instance of its kind among <paramref name="others"/> (itself, by id, left out), with that instance's id.
    /// </summary>
    public static IEnumerable<(string Option, string OtherId)> SharedUniqueValues(IConnector connector, ConnectorInstance instance, IEnumerable<ConnectorInstance> others)
    {
        ArgumentNullException.ThrowIfNull(connector);
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(others);
        var unique = connector.Descriptor.Options.Where(o => o.UniqueAmongInstances).Select(o => o.Name).ToList();
        if (unique.Count == 0)
        {
            return [];
        }
        return others
            .Where(o => o.Kind.Equals(instance.Kind, StringComparison.OrdinalIgnoreCase) && !o.Id.Equals(instance.Id, StringComparison.OrdinalIgnoreCase))
            .SelectMany(o => unique
                .Where(name => instance.Settings.Get(name) is { } value && string.Equals(value, o.Settings.Get(name), StringComparison.Ordinal))
                .Select(name => (name, o.Id)))
            .ToList();
    }

    /// <summary>Whether two readings of an instance have the same kind and settings (each reload builds new objects).</summary>
    public static bool SameSettings(ConnectorInstance a, ConnectorInstance b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return a.Kind == b.Kind && a.Settings.Keys.Count() == b.Settings.Keys.Count() && a.Settings.Keys.All(k => a.Settings.Get(k) == b.Settings.Get(k));
    }

    private static bool SameInstances(
        ImmutableDictionary<string, (ConnectorInstance Instance, IConnector Connector)> a,
        ImmutableDictionary<string, (ConnectorInstance Instance, IConnector Connector)> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var other) && SameSettings(other.Instance, kv.Value.Instance));

    [GeneratedRegex("^[A-Za-z0-9_-]{1,100}$")]
    private static partial Regex InstanceId();
}
