using Hub.Contracts.Connectors;
using Hub.Contracts.Touchpoints;
using WireMock.Server;

namespace Hub.Connectors.Conformance;

/// <summary>
/// The behaviour every connector shares, checked the same way for all: options validate, credentials are
/// secrets, forged webhooks are refused, redelivered events map onto the same touchpoints. An inbound-only
/// connector adopts it in one line:
/// <code>public sealed class XConformanceTests : InboundConnectorConformanceTests&lt;XScenario&gt;;</code>
/// </summary>
/// <typeparam name="TScenario">The connector's scenario.</typeparam>
public abstract class InboundConnectorConformanceTests<TScenario> : IDisposable
    where TScenario : InboundConnectorScenario, new()
{
    /// <summary>Starts the simulated system and builds the connector.</summary>
    protected InboundConnectorConformanceTests() => Connector = Scenario.CreateConnector(new DirectHttpClientFactory());

    /// <summary>The connector's scenario.</summary>
    protected TScenario Scenario { get; } = new();

    /// <summary>The simulated external system.</summary>
    protected WireMockServer System { get; } = WireMockServer.Start();

    /// <summary>The connector under test.</summary>
    protected IConnector Connector { get; }

    /// <summary>The working instance, pointed at <see cref="System"/>.</summary>
    protected ConnectorInstance Instance => Scenario.Instance(new Uri(System.Url!));

    [Fact]
    public void Settings_of_a_working_instance_are_valid()
    {
        Assert.Empty(ConnectorSettingsValidator.Validate(Connector, Instance.Settings));
    }

    [Fact]
    public void Each_invalid_setting_is_a_problem_naming_its_option()
    {
        var cases = Scenario.InvalidSettings(new Uri(System.Url!)).ToList();

        Assert.NotEmpty(cases);
        foreach (var invalid in cases)
        {
            var problems = ConnectorSettingsValidator.Validate(Connector, invalid.Settings);
            Assert.True(problems.Any(p => p.Contains($"'{invalid.Option}'", StringComparison.Ordinal)), $"{invalid} gave: {string.Join(" | ", problems)}");
        }
    }

    [Fact]
    public void Options_holding_credentials_are_secrets_never_shown_again()
    {
        Assert.NotEmpty(Scenario.SecretOptions);
        foreach (var name in Scenario.SecretOptions)
        {
            Assert.True(Connector.Descriptor.Options.Single(o => o.Name == name).IsSecret, $"'{name}' is not declared a secret.");
        }
    }

    [Fact]
    public async Task Redelivered_event_maps_onto_the_same_touchpoints()
    {
        var first = await AcceptedAsync(Scenario.AuthenticEvent());
        var again = await AcceptedAsync(Scenario.RedeliveredEvent());

        Assert.NotEmpty(first);
        Assert.Equal(first.Count, first.Select(t => t.SourceEventId).Distinct().Count());
        Assert.Equal(first.Select(t => t.SourceEventId), again.Select(t => t.SourceEventId));
        Assert.Equal(TouchpointIdsOf(first), TouchpointIdsOf(again));
    }

    [Fact]
    public async Task Other_event_maps_onto_other_touchpoints()
    {
        var first = await AcceptedAsync(Scenario.AuthenticEvent());
        var other = await AcceptedAsync(Scenario.OtherEvent());

        Assert.NotEmpty(other);
        Assert.Empty(TouchpointIdsOf(first).Intersect(TouchpointIdsOf(other)));
    }

    [Fact]
    public async Task Forged_event_is_rejected_with_401_or_403_and_nothing_is_accepted()
    {
        var result = await HandleAsync(Scenario.ForgedEvent());

        Assert.NotNull(result.Rejection);
        Assert.Contains(result.Rejection.StatusCode, new[] { 401, 403 });
        Assert.Empty(result.Touchpoints);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        System.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The connector's result for a webhook to <see cref="Instance"/>.</summary>
    protected ValueTask<InboundWebhookResult> HandleAsync(InboundWebhookRequest request) =>
        Assert.IsAssignableFrom<IInboundWebhookHandler>(Connector).HandleAsync(request, Instance, CancellationToken.None);

    /// <summary>The accepted touchpoints; fails with the rejection when there is one.</summary>
    protected async Task<IReadOnlyList<TouchpointDraft>> AcceptedAsync(InboundWebhookRequest request)
    {
        var result = await HandleAsync(request);
        Assert.True(result.Rejection is null, $"Rejected: {result.Rejection}");
        return result.Touchpoints;
    }

    private List<Guid> TouchpointIdsOf(IEnumerable<TouchpointDraft> touchpoints) =>
        [.. touchpoints.Select(t => TouchpointIds.From(Instance.Id, t.SourceEventId))];
}
