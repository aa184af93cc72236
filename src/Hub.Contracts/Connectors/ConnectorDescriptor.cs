namespace Hub.Contracts.Connectors;

/// <summary>What a connector is and how an instance of it is configured.</summary>
/// <param name="Kind">The kind name used in configuration (<c>Hub:Connectors:&lt;id&gt;:Kind</c>), lower case.</param>
/// <param name="DisplayName">The name an admin sees.</param>
/// <param name="Description">One sentence on what it connects.</param>
/// <param name="Options">The options an instance takes; the admin UI renders its form from them.</param>
public sealed record ConnectorDescriptor(
    string Kind,
    string DisplayName,
    string Description,
    IReadOnlyList<ConnectorOptionDescriptor> Options);
