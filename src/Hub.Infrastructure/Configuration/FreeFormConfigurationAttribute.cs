namespace Hub.Infrastructure.Configuration;

/// <summary>
/// Marks the keys below <c>&lt;Section&gt;:&lt;Key&gt;</c> as read by something other than the hub's options (a connector
/// instance's settings, read and validated by its connector), so the start-up check for unknown keys leaves them alone.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class FreeFormConfigurationAttribute(string key) : Attribute
{
    /// <summary>The key below the section whose children are free-form, e.g. <c>&lt;instanceId&gt;</c>.</summary>
    public string Key { get; } = key;
}
