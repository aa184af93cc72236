namespace Hub.Infrastructure.Configuration;

/// <summary>
/// Documents a configuration key under a class's <c>Section</c> that is not bound from a property: keys named by the
/// operator (<c>Hub:ApiKeys:&lt;name&gt;</c>) or read by hand. Bound properties carry a
/// <see cref="System.ComponentModel.DescriptionAttribute"/> instead. deploy/README.md's configuration reference is
/// generated from both.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class ConfigurationKeyAttribute(string key, string description) : Attribute
{
    /// <summary>The key below the section, e.g. <c>MaxPerType:&lt;type&gt;</c>.</summary>
    public string Key { get; } = key;

    public string Description { get; } = description;

    /// <summary>The value in force when the key is absent, in Markdown as the reference shows it; none when null.</summary>
    public string? Default { get; init; }
}
