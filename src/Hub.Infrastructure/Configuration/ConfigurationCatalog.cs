using System.Collections;
using System.Reflection;

namespace Hub.Infrastructure.Configuration;

/// <summary>
/// Where the hub's <c>Hub:</c> keys are declared: every class with a <c>const string Section</c> under <c>Hub:</c>
/// contributes its settable properties (bound by the configuration binder) and its <see cref="ConfigurationKeyAttribute"/>s.
/// deploy/README.md's configuration reference is generated from it, and <see cref="KnownConfigurationKeys"/> checks the
/// configuration against it at start.
/// </summary>
public static class ConfigurationCatalog
{
    private const BindingFlags AnyStatic = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static;

    /// <summary><paramref name="host"/> and every <c>Hub.*</c> assembly it references, directly or not.</summary>
    public static IReadOnlyList<Assembly> HubAssemblies(Assembly host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var found = new List<Assembly> { host };
        for (var i = 0; i < found.Count; i++)
        {
            foreach (var name in found[i].GetReferencedAssemblies())
            {
                if (name.Name!.StartsWith("Hub.", StringComparison.Ordinal) && !found.Exists(a => a.GetName().Name == name.Name))
                {
                    found.Add(Assembly.Load(name));
                }
            }
        }
        return found;
    }

    /// <summary>The classes bound from or documenting a <c>Hub:</c> section, with that section.</summary>
    public static IEnumerable<(Type Type, string Section)> OptionsTypes(IEnumerable<Assembly> assemblies) =>
        from assembly in assemblies
        from type in assembly.GetTypes()
        let field = type.GetField("Section", AnyStatic)
        where field is { IsLiteral: true } && field.FieldType == typeof(string)
        let section = (string)field.GetRawConstantValue()!
        where section.StartsWith("Hub:", StringComparison.Ordinal)
        orderby section, type.FullName
        select (type, section);

    /// <summary>The public instance properties the configuration binder sets.</summary>
    public static IEnumerable<PropertyInfo> BindableProperties(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.IsAbstract ? [] : type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0)
            .OrderBy(p => p.MetadataToken);
    }

    /// <summary>Every key the options of <paramref name="assemblies"/> read, to check a configuration against.</summary>
    public static KnownConfigurationKeys KnownKeys(IEnumerable<Assembly> assemblies)
    {
        var keys = new List<KnownConfigurationKeys.Pattern>();
        foreach (var (type, section) in OptionsTypes(assemblies))
        {
            foreach (var property in BindableProperties(type))
            {
                keys.Add(new($"{section}:{property.Name}", HasFreeFormChildren(property.PropertyType)));
            }
            keys.AddRange(type.GetCustomAttributes<ConfigurationKeyAttribute>().Select(k => new KnownConfigurationKeys.Pattern($"{section}:{k.Key}", FreeFormBelow: false)));
            keys.AddRange(type.GetCustomAttributes<FreeFormConfigurationAttribute>().Select(k => new KnownConfigurationKeys.Pattern($"{section}:{k.Key}", FreeFormBelow: true)));
        }
        return new KnownConfigurationKeys(keys);
    }

    // A list's children are indices, which any known key may have; a dictionary's are names the options cannot know.
    private static bool HasFreeFormChildren(Type type) =>
        type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type)
            && type.GetInterfaces().Append(type).Any(i => i.IsGenericType
                && (i.GetGenericTypeDefinition() == typeof(IDictionary<,>) || i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>)));
}
