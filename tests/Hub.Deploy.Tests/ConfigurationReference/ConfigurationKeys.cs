using System.Collections;
using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Hub.Contracts.Connectors;
using Hub.Infrastructure.Configuration;
using Hub.Infrastructure.Outbound;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Deploy.Tests.ConfigurationReference;

/// <summary>One documented configuration key.</summary>
internal sealed record ConfigurationKey(string Key, string? Default, string? Description, string DeclaredBy);

/// <summary>
/// Every <c>Hub:</c> key, as <see cref="ConfigurationCatalog"/> finds them (the list the hub checks its configuration
/// against at start): each class of the hub with a <c>const string Section</c> under <c>Hub:</c> contributes its
/// settable properties (default read from a fresh instance, meaning from <see cref="DescriptionAttribute"/>) and its
/// <see cref="ConfigurationKeyAttribute"/>s; each connector registered by the server contributes its per-instance
/// options from its descriptor.
/// </summary>
internal static class ConfigurationKeys
{
    public static IReadOnlyList<Assembly> HubAssemblies { get; } = ConfigurationCatalog.HubAssemblies(typeof(Program).Assembly);

    /// <summary>The classes bound from or documenting a <c>Hub:</c> section, with that section.</summary>
    public static IEnumerable<(Type Type, string Section)> OptionsTypes() => ConfigurationCatalog.OptionsTypes(HubAssemblies);

    /// <summary>The hub's own keys, section by section.</summary>
    public static IEnumerable<(string Section, IReadOnlyList<ConfigurationKey> Keys)> BySection() =>
        OptionsTypes()
            .GroupBy(t => t.Section, StringComparer.Ordinal)
            .Select(g => (g.Key, (IReadOnlyList<ConfigurationKey>)g.SelectMany(t => Of(t.Type, t.Section)).ToList()));

    public static IEnumerable<ConfigurationKey> Of(Type type, string section)
    {
        if (BindableProperties(type).Any())
        {
            var instance = Activator.CreateInstance(type, nonPublic: true);
            foreach (var property in BindableProperties(type))
            {
                yield return new ConfigurationKey(
                    $"{section}:{property.Name}",
                    Format(property.GetValue(instance)),
                    property.GetCustomAttribute<DescriptionAttribute>()?.Description,
                    $"{type.FullName}.{property.Name}");
            }
        }
        foreach (var key in type.GetCustomAttributes<ConfigurationKeyAttribute>())
        {
            yield return new ConfigurationKey($"{section}:{key.Key}", key.Default ?? "none", key.Description, type.FullName!);
        }
    }

    /// <summary>The public instance properties the configuration binder sets.</summary>
    public static IEnumerable<PropertyInfo> BindableProperties(Type type) => ConfigurationCatalog.BindableProperties(type);

    /// <summary>The connectors the server registers, resolved the way the server resolves them.</summary>
    public static IReadOnlyList<ConnectorDescriptor> Connectors()
    {
        var services = new ServiceCollection();
        foreach (var add in HubAssemblies
            .Where(a => a.GetName().Name!.StartsWith("Hub.Connectors.", StringComparison.Ordinal))
            .SelectMany(a => a.GetExportedTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Where(m => m.Name.StartsWith("Add", StringComparison.Ordinal) && m.Name.EndsWith("Connector", StringComparison.Ordinal)
                && m.GetParameters() is [{ ParameterType: var p }] && p == typeof(IServiceCollection)))
        {
            add.Invoke(null, [services]);
        }
        services.AddLogging();
        // What the host provides connectors besides HTTP clients: the guarded connections of the e-mail connector.
        services.AddHubOutboundHttp(new ConfigurationBuilder().Build());
        using var provider = services.BuildServiceProvider();
        return [.. provider.GetServices<IConnector>().Select(c => c.Descriptor).OrderBy(d => d.Kind, StringComparer.Ordinal)];
    }

    private static string? Format(object? value) => value switch
    {
        null => null,
        string s => s.Length == 0 ? "empty" : $"`{s}`",
        bool b => b ? "`true`" : "`false`",
        TimeSpan t => $"`{t.ToString("c", CultureInfo.InvariantCulture)}`",
        IFormattable f => $"`{f.ToString(null, CultureInfo.InvariantCulture)}`",
        IEnumerable e => e.Cast<object>().ToList() is { Count: > 0 } items ? string.Join(", ", items.Select(Format)) : null,
        _ => $"`{value}`",
    };
}
