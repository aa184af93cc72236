using Hub.Contracts.Connectors;
using Hub.Contracts.Customers;
using WireMock.Server;

namespace Hub.Connectors.Conformance;

/// <summary>
/// What an inbound-only connector (a webhook source such as a phone system) shows the conformance kit:
/// itself, a working instance, and authentic, redelivered and forged webhooks.
/// </summary>
public abstract class InboundConnectorScenario
{
    /// <summary>The options that hold credentials: each must be declared a secret.</summary>
    public abstract IReadOnlyList<string> SecretOptions { get; }

    /// <summary>The connector through its one public <c>AddXConnector()</c> door, calling out with <paramref name="httpClients"/>.</summary>
    public abstract IConnector CreateConnector(IHttpClientFactory httpClients);

    /// <summary>An instance with valid settings whose external system is at <paramref name="systemUrl"/>.</summary>
    public abstract ConnectorInstance Instance(Uri systemUrl);

    /// <summary>Settings each of which is wrong in exactly the option it names.</summary>
    public abstract IEnumerable<InvalidSetting> InvalidSettings(Uri systemUrl);

    /// <summary>An authentic webhook for <see cref="Instance"/> carrying one or more events.</summary>
    public abstract InboundWebhookRequest AuthenticEvent();

    /// <summary>The same event(s) delivered again, the way the source retries.</summary>
    public abstract InboundWebhookRequest RedeliveredEvent();

    /// <summary>Authentic, but other event(s).</summary>
    public abstract InboundWebhookRequest OtherEvent();

    /// <summary><see cref="AuthenticEvent"/> with its proof of origin forged (wrong signature, secret or organization).</summary>
    public abstract InboundWebhookRequest ForgedEvent();
}

/// <summary>
/// What a connector that also writes to its system shows the conformance kit: besides the inbound scenario,
/// how its external system (a WireMock server on loopback, started by the kit) answers and echoes.
/// </summary>
public abstract class ConnectorScenario : InboundConnectorScenario
{
    /// <summary>A change of a customer, caused by another instance, for the connector to push.</summary>
    public abstract CustomerUpdated Change { get; }

    /// <summary>Makes the simulated system accept the connector's writes (and whatever precedes them, such as a token).</summary>
    public abstract void AcceptWrites(WireMockServer system);

    /// <summary>The webhook the system sends back after the write it logged: the echo of the hub's own change.</summary>
    public abstract InboundWebhookRequest EchoOf(WireMockServer system);
}

/// <summary>A connector that signs in to its system, and so can tell bad credentials from an unreachable system.</summary>
public abstract class CredentialedConnectorScenario : ConnectorScenario
{
    /// <summary>Makes the simulated system refuse the instance's credentials.</summary>
    public abstract void RefuseCredentials(WireMockServer system);
}

/// <summary>Settings that are invalid in one option.</summary>
/// <param name="Option">The option a problem must name.</param>
/// <param name="Settings">The settings.</param>
public sealed record InvalidSetting(string Option, ConnectorSettings Settings)
{
    /// <inheritdoc />
    public override string ToString() => $"{Option}: {string.Join(", ", Settings.Keys.Select(k => $"{k}={Settings.Get(k)}"))}";
}
