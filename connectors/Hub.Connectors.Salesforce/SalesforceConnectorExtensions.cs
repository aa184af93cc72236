using Hub.Connectors.Salesforce.Api;
using Hub.Connectors.Salesforce.Auth;
using Hub.Connectors.Salesforce.Connection;
using Hub.Connectors.Salesforce.Inbound;
using Hub.Connectors.Salesforce.Sync;
using Hub.Contracts.Connectors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Hub.Connectors.Salesforce;

/// <summary>The connector's one public door.</summary>
public static class SalesforceConnectorExtensions
{
    /// <summary>Adds the Salesforce connector (kind <c>salesforce</c>).</summary>
    public static IServiceCollection AddSalesforceConnector(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient();
        services.TryAddSingleton<TokenRequester>();
        services.TryAddSingleton<TokenCache>();
        services.TryAddSingleton<OrgGate>();
        services.TryAddSingleton<SalesforceClient>();
        services.TryAddSingleton<PushLedger>();
        services.TryAddSingleton<ContactWriter>();
        services.TryAddSingleton<ContactBatchWriter>();
        services.TryAddSingleton<TaskWriter>();
        services.TryAddSingleton<ContactEraser>();
        services.TryAddSingleton<InboundReceiver>();
        services.TryAddSingleton<ConnectionTester>();
        return services.AddConnector<SalesforceConnector>();
    }
}
