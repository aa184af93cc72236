using System.Reflection;
using Hub.Connectors.Webhooks;
using Hub.Contracts.Connectors;
using Hub.Core.Identity;
using NetArchTest.Rules;

namespace Hub.Architecture.Tests;

/// <summary>The build enforces the shape: connectors see only the contract; the core does no I/O.</summary>
public sealed class LayeringTests
{
    private static readonly string[] Infrastructure =
    [
        "MassTransit", "Microsoft.EntityFrameworkCore", "Npgsql", "RabbitMQ", "Microsoft.AspNetCore", "Microsoft.Data.Sqlite",
        "System.Net.Http", "System.Net.Sockets", "System.IO.File",
    ];

    /// <summary>Every connector project; a new connector adds its assembly here.</summary>
    public static TheoryData<string> Connectors => new()
    {
        typeof(WebhooksConnectorExtensions).Assembly.GetName().Name!,
        typeof(Hub.Connectors.Salesforce.SalesforceConnectorExtensions).Assembly.GetName().Name!,
        typeof(Hub.Connectors.Twilio.TwilioConnectorExtensions).Assembly.GetName().Name!,
        typeof(Hub.Connectors.Pbx.PbxConnectorExtensions).Assembly.GetName().Name!,
        typeof(Hub.Connectors.Twitter.TwitterConnectorExtensions).Assembly.GetName().Name!,
        typeof(Hub.Connectors.Email.EmailConnectorExtensions).Assembly.GetName().Name!,
    };

    [Theory]
    [MemberData(nameof(Connectors))]
    public void A_connector_references_no_hub_project_but_the_contracts(string connector)
    {
        var hubReferences = Assembly.Load(connector).GetReferencedAssemblies()
            .Select(a => a.Name!).Where(n => n.StartsWith("Hub.", StringComparison.Ordinal)).ToList();
        Assert.Equal(["Hub.Contracts"], hubReferences);
    }

    [Theory]
    [MemberData(nameof(Connectors))]
    public void A_connector_uses_no_messaging_or_database_library(string connector)
    {
        var result = Types.InAssembly(Assembly.Load(connector)).ShouldNot()
            .HaveDependencyOnAny("MassTransit", "Microsoft.EntityFrameworkCore", "Npgsql", "RabbitMQ", "Hub.Core", "Hub.Infrastructure")
            .GetResult();
        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Theory]
    [MemberData(nameof(Connectors))]
    public void A_connector_shows_one_public_door(string connector)
    {
        var publicTypes = Assembly.Load(connector).GetExportedTypes();
        Assert.Single(publicTypes);
        Assert.EndsWith("ConnectorExtensions", publicTypes[0].Name, StringComparison.Ordinal);
    }

    [Fact]
    public void The_core_references_no_infrastructure()
    {
        var result = Types.InAssembly(typeof(IdentifierNormalizer).Assembly).ShouldNot()
            .HaveDependencyOnAny([.. Infrastructure, "Hub.Infrastructure", "Hub.Server"])
            .GetResult();
        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void The_contracts_reference_no_infrastructure_and_no_other_hub_project()
    {
        var result = Types.InAssembly(typeof(IConnector).Assembly).ShouldNot()
            .HaveDependencyOnAny("MassTransit", "Microsoft.EntityFrameworkCore", "Npgsql", "RabbitMQ", "Hub.Core", "Hub.Infrastructure", "Hub.Server")
            .GetResult();
        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void The_infrastructure_names_no_concrete_connector()
    {
        var references = typeof(Hub.Infrastructure.Connectors.ConnectorInstances).Assembly.GetReferencedAssemblies().Select(a => a.Name!);
        Assert.DoesNotContain(references, n => n.StartsWith("Hub.Connectors.", StringComparison.Ordinal));
    }
}
