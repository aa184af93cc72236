namespace Hub.Contracts.Connectors;

/// <summary>
/// A kind of connector (Salesforce, Twilio, generic webhooks). One connector serves many configured
/// instances. It declares what it can do by also implementing <see cref="IInboundWebhookHandler"/>,
/// <see cref="ISyncTarget"/> and <see cref="IConnectionTester"/>; the host does the plumbing.
/// </summary>
public interface IConnector
{
    /// <summary>Kind, display name and the typed options an instance is configured with.</summary>
    ConnectorDescriptor Descriptor { get; }

    /// <summary>
    /// Checks an instance's settings beyond what the option descriptors express (the host checks
    /// required options and option types first). Returns one message per problem; empty when valid.
    /// </summary>
    IReadOnlyList<string> Validate(ConnectorSettings settings) => [];
}
