namespace Hub.Contracts.Connectors;

/// <summary>One option of a connector instance.</summary>
/// <param name="Name">The configuration key under the instance's section, such as <c>Secret</c>.</param>
/// <param name="DisplayName">The label an admin sees.</param>
/// <param name="Type">How the value is typed and validated.</param>
/// <param name="Required">Whether an instance is invalid without it.</param>
/// <param name="Description">Help text for the admin.</param>
/// <param name="DefaultValue">The value used when none is configured.</param>
public sealed record ConnectorOptionDescriptor(
    string Name,
    string DisplayName,
    ConnectorOptionType Type,
    bool Required,
    string Description,
    string? DefaultValue = null)
{
    /// <summary>Secrets are encrypted at rest and never returned by the API.</summary>
    public bool IsSecret => Type == ConnectorOptionType.Secret;

    /// <summary>
    /// Whether no two instances of the connector may have the same value, because the value tells them apart (a token a
    /// caller presents, for one). The hub refuses to start, and the admin UI refuses to save, an instance that repeats one.
    /// </summary>
    public bool UniqueAmongInstances { get; init; }
}
