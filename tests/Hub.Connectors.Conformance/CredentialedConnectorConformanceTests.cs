using Hub.Contracts.Connectors;

namespace Hub.Connectors.Conformance;

/// <summary>
/// <see cref="ConnectorConformanceTests{TScenario}"/> plus what a connector that signs in to its system must
/// also do: tell refused credentials (bad settings) from an unreachable system.
/// </summary>
/// <typeparam name="TScenario">The connector's scenario.</typeparam>
public abstract class CredentialedConnectorConformanceTests<TScenario> : ConnectorConformanceTests<TScenario>
    where TScenario : CredentialedConnectorScenario, new()
{
    [Fact]
    public async Task Refused_credentials_fail_the_connection_test_as_bad_settings()
    {
        Scenario.RefuseCredentials(System);

        var result = await Assert.IsAssignableFrom<IConnectionTester>(Connector).TestAsync(Instance, CancellationToken.None);

        Assert.Equal(ConnectionTestOutcome.BadSettings, result.Outcome);
        Assert.False(string.IsNullOrWhiteSpace(result.Detail));
    }

    [Fact]
    public async Task Accepted_credentials_pass_the_connection_test()
    {
        Scenario.AcceptWrites(System);

        var result = await Assert.IsAssignableFrom<IConnectionTester>(Connector).TestAsync(Instance, CancellationToken.None);

        Assert.True(result.Outcome == ConnectionTestOutcome.Ok, result.Detail);
    }
}
