namespace Hub.Contracts.Connectors;

/// <summary>One configured instance of a connector: one Salesforce org, one mailbox, one CRM endpoint.</summary>
/// <param name="Id">The instance id, used in URLs (<c>/webhooks/{id}</c>) and configuration keys.</param>
/// <param name="Kind">The connector kind.</param>
/// <param name="Settings">Its option values.</param>
public sealed record ConnectorInstance(string Id, string Kind, ConnectorSettings Settings);
