using Hub.Contracts.Connectors;

namespace Hub.Connectors.Conformance;

/// <summary>
/// <see cref="InboundConnectorConformanceTests{TScenario}"/> plus what a connector that writes to its system
/// must also do: an echo of the hub's own write brings nothing new, and an unreachable system is reported as
/// such. A connector's test project adopts it in one line:
/// <code>public sealed class XConformanceTests : ConnectorConformanceTests&lt;XScenario&gt;;</code>
/// </summary>
/// <typeparam name="TScenario">The connector's scenario.</typeparam>
public abstract class ConnectorConformanceTests<TScenario> : InboundConnectorConformanceTests<TScenario>
    where TScenario : ConnectorScenario, new()
{
    [Fact]
    public async Task Echo_of_a_pushed_change_brings_nothing_new()
    {
        Scenario.AcceptWrites(System);
        var change = Scenario.Change;
        Assert.NotEqual(Instance.Id, change.SourceConnectorInstanceId, StringComparer.OrdinalIgnoreCase);

        var pushed = await Assert.IsAssignableFrom<ISyncTarget>(Connector).PushAsync(change, Instance, CancellationToken.None);
        Assert.True(pushed.Delivered, pushed.Detail);
        Assert.NotEmpty(System.LogEntries);

        // New facts, or other values, would make a new version of the customer, pushed back again: a loop.
        foreach (var touchpoint in await AcceptedAsync(Scenario.EchoOf(System)))
        {
            foreach (var (name, value) in touchpoint.ProfileFacts)
            {
                Assert.True(change.Customer.Fields.TryGetValue(name, out var field) && field.Value == value,
                    $"The echo brings '{name}' = '{value}', which the pushed customer does not have.");
            }
        }
    }

    [Fact]
    public async Task Unreachable_system_fails_the_connection_test_as_unreachable()
    {
        var instance = Scenario.Instance(DirectHttpClientFactory.UnreachableUrl());

        var result = await Assert.IsAssignableFrom<IConnectionTester>(Connector).TestAsync(instance, CancellationToken.None);

        Assert.Equal(ConnectionTestOutcome.Unreachable, result.Outcome);
        Assert.False(string.IsNullOrWhiteSpace(result.Detail));
    }
}
