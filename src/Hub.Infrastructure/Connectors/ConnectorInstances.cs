using System.Text.RegularExpressions;
using Hub.Contracts.Connectors;
using Hub.Infrastructure.Configuration;
using Microsoft.Extensions.Configuration;

namespace Hub.Infrastructure.Connectors;

/// <summary>
/// The connector instances declared under <c>Hub:Connectors:&lt;instanceId&gt;</c> (<c>Kind</c> plus the
/// connector's options), validated when the hub starts: a misconfigured instance stops the start with
/// a message naming the instance and the problem.
/// </summary>
[ConfigurationKey("<instanceId>:Kind", "The connector kind of instance `<instanceId>` (letters, digits, `-`, `_`), which receives webhooks at `/webhooks/<instanceId>`. Its options follow below, per kind.")]
public sealed partial class ConnectorInstances
{
    public const string Section = "Hub:Connectors";

    private readonly Dictionary<string, (ConnectorInstance Instance, IConnector Connector)> _instances = new(StringComparer.OrdinalIgnoreCase);

    public ConnectorInstances(IEnumerable<IConnector> connectors, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var byKind = connectors.ToDictionary(c => c.Descriptor.Kind, StringComparer.OrdinalIgnoreCase);
        var problems = new List<string>();
        foreach (var section in configuration.GetSection(Section).GetChildren())
        {
            var id = section.Key;
            if (!InstanceId().IsMatch(id))
            {
                problems.Add($"Connector instance '{id}': the id may hold only letters, digits, '-' and '_' (at most 100).");
                continue;
            }
            var kind = section["Kind"];
            if (string.IsNullOrWhiteSpace(kind) || !byKind.TryGetValue(kind, out var connector))
            {
                problems.Add($"Connector instance '{id}': Hub:Connectors:{id}:Kind must be one of {string.Join(", ", byKind.Keys)} (got '{kind}').");
                continue;
            }
            var prefix = section.Path + ConfigurationPath.KeyDelimiter;
            var settings = new ConnectorSettings(section.AsEnumerable()
                .Where(kv => kv.Key.Length > prefix.Length && !kv.Key.Equals(prefix + "Kind", StringComparison.OrdinalIgnoreCase))
                .Select(kv => KeyValuePair.Create(kv.Key[prefix.Length..], kv.Value)));
            var invalid = ConnectorSettingsValidator.Validate(connector, settings);
            if (invalid.Count > 0)
            {
                problems.AddRange(invalid.Select(p => $"Connector instance '{id}' ({connector.Descriptor.Kind}): {p}"));
                continue;
            }
            _instances[id] = (new ConnectorInstance(id, connector.Descriptor.Kind, settings), connector);
        }
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Connector configuration is not valid:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
        }
    }

    public IEnumerable<ConnectorInstance> All => _instances.Values.Select(v => v.Instance);

    public bool TryGet(string id, out ConnectorInstance instance, out IConnector connector)
    {
        if (_instances.TryGetValue(id, out var entry))
        {
            (instance, connector) = entry;
            return true;
        }
        (instance, connector) = (null!, null!);
        return false;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,100}$")]
    private static partial Regex InstanceId();
}
