using Hub.Contracts.Connectors;
using Hub.Infrastructure.Configuration;
using Microsoft.Extensions.Configuration;

namespace Hub.Infrastructure.Connectors;

/// <summary>
/// The keys of a configured connector instance (<c>Hub:Connectors:&lt;instanceId&gt;:...</c>) that its connector does not
/// declare (its descriptor's options, as the admin UI lists them, <c>Kind</c> and <c>DefaultRegion</c>): a typo such as <c>Secrett</c> that the
/// connector never reads. Warned about, not refused, so that a deployment that starts today keeps starting.
/// </summary>
public static class UndeclaredConnectorOptions
{
    /// <summary>Read by the hub whatever the kind: the kind itself, and the phone region the hub normalizes every instance's touchpoints in.</summary>
    private static readonly string[] ReadForEveryInstance = ["Kind", "DefaultRegion"];

    /// <summary>Each key with a value under <paramref name="instance"/> that <paramref name="descriptor"/> does not declare, with the declared key it is near.</summary>
    public static IReadOnlyList<KnownConfigurationKeys.UnknownKey> In(IConfigurationSection instance, ConnectorDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(descriptor);
        var declared = descriptor.Options.Select(o => o.Name).Concat(ReadForEveryInstance).ToList();
        var prefix = instance.Path + ConfigurationPath.KeyDelimiter;
        return [.. instance.AsEnumerable()
            .Where(kv => kv.Value is not null && kv.Key.Length > prefix.Length)
            .Select(kv => kv.Key[prefix.Length..])
            .Where(option => !declared.Contains(option, StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.OrdinalIgnoreCase)
            .Select(option => new KnownConfigurationKeys.UnknownKey(
                prefix + option,
                NearestName.Among(option, declared) is { } near ? prefix + near : null))];
    }

    /// <summary>The lines to add to the instance's problems when it is refused: a misspelt option is often why a required one is missing.</summary>
    public static IEnumerable<string> AsHints(IReadOnlyList<KnownConfigurationKeys.UnknownKey> undeclared) =>
        undeclared.Select(u => u.DidYouMean is { } near
            ? $"{u.Key} is not one of its options; did you mean {near}?"
            : $"{u.Key} is not one of its options.");
}
