using System.Text;
using Hub.Connectors.Conformance;
using Hub.Contracts.Connectors;
using Hub.Contracts.Customers;
using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Connectors.Salesforce.Tests;

/// <summary>The connector as the host gets it, instances of the samples' org, requests and the shared sample files.</summary>
internal static class SalesforceTestKit
{
    public const string InstanceId = "sf-main";
    public const string OrgId15 = "00D5g000004SdQn";
    public const string OrgId18 = "00D5g000004SdQnEAK";
    public const string IntegrationUser = "0055g00000DkRw2AAF";
    public const string ServiceRep = "0055g00000Agt7qAAB";
    public const string Amara = "0035g00000Qk7XaAAJ";
    public const string EndpointSecret = "k7Qm2xVb9Rt4Lp8Zw3Nc";
    public const string SampleInstanceUrl = "https://example.my.salesforce.com";

    public static readonly DateTimeOffset Now = new(2026, 3, 10, 16, 0, 0, TimeSpan.Zero);

    /// <summary>The connector through its one public door; outbound calls go through <paramref name="httpClients"/>.</summary>
    public static IConnector Connector(TimeProvider? time = null, IHttpClientFactory? httpClients = null)
    {
        var services = new ServiceCollection();
        if (time is not null)
        {
            services.AddSingleton(time);
        }
        services.AddSalesforceConnector();
        services.AddSingleton(httpClients ?? new DirectHttpClientFactory());
        return Assert.Single(services.BuildServiceProvider().GetServices<IConnector>());
    }

    public static ConnectorSettings Settings(params (string Name, string? Value)[] values) =>
        new(values.Select(v => new KeyValuePair<string, string?>(v.Name, v.Value)));

    /// <summary>The samples' org with client credentials, at <paramref name="salesforceUrl"/>; <paramref name="extra"/> overrides.</summary>
    public static ConnectorInstance Instance(Uri? salesforceUrl = null, params (string Name, string? Value)[] extra)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["OrganizationId"] = OrgId15,
            ["InstanceUrl"] = (salesforceUrl ?? new Uri(SampleInstanceUrl)).ToString().TrimEnd('/'),
            ["ClientId"] = "3MVG9-hub-consumer-key",
            ["ClientSecret"] = "hub-consumer-secret",
            ["EndpointSecret"] = EndpointSecret,
        };
        foreach (var (name, value) in extra)
        {
            values[name] = value;
        }
        return new(InstanceId, "salesforce", new ConnectorSettings(values));
    }

    public static string Sample(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "formats", "salesforce", name));

    public static InboundWebhookRequest Post(string body, string? contentType, string? path = null, Dictionary<string, string>? headers = null) => new()
    {
        Method = "POST",
        Url = new Uri($"https://hub.example.com/webhooks/{InstanceId}{path}"),
        Headers = new Dictionary<string, string>(headers ?? [], StringComparer.OrdinalIgnoreCase),
        ContentType = contentType,
        Body = Encoding.UTF8.GetBytes(body),
        ReceivedAt = Now,
    };

    /// <summary>An Outbound Message as Salesforce posts it (to the endpoint URL with <c>?secret=</c>, as salesforce.md configures it).</summary>
    public static InboundWebhookRequest OutboundMessage(string xml, string path = "?secret=" + EndpointSecret) =>
        Post(xml, "text/xml; charset=utf-8", path);

    /// <summary>A change event as a relay posts it, with the endpoint secret as its Bearer token.</summary>
    public static InboundWebhookRequest ChangeEvent(string json, string? secret = EndpointSecret) =>
        Post(json, "application/json", headers: secret is null ? [] : new() { ["Authorization"] = $"Bearer {secret}" });

    public static async Task<InboundWebhookResult> HandleAsync(InboundWebhookRequest request, ConnectorInstance? instance = null, IConnector? connector = null) =>
        await ((IInboundWebhookHandler)(connector ?? Connector())).HandleAsync(request, instance ?? Instance(), CancellationToken.None);

    public static async Task<IReadOnlyList<TouchpointDraft>> AcceptedAsync(InboundWebhookRequest request, ConnectorInstance? instance = null, IConnector? connector = null)
    {
        var result = await HandleAsync(request, instance, connector);
        Assert.True(result.Rejection is null, $"Rejected: {result.Rejection}");
        return result.Touchpoints;
    }

    public static async Task<WebhookRejection> RejectedAsync(InboundWebhookRequest request, ConnectorInstance? instance = null)
    {
        var result = await HandleAsync(request, instance);
        Assert.NotNull(result.Rejection);
        Assert.Empty(result.Touchpoints);
        return result.Rejection;
    }

    /// <summary>A master record as the host publishes it after a change from another instance.</summary>
    public static CustomerUpdated Change(
        Guid? customerId = null, long version = 4, string source = "twilio-main", IReadOnlyList<CustomerIdentifier>? identifiers = null,
        params (string Name, string Value)[] fields)
    {
        var id = customerId ?? Guid.Parse("5b0c2f4e-8d1a-4c3b-9e7f-1a2b3c4d5e6f");
        var values = fields.Length > 0 ? fields : [("firstName", "Lena"), ("lastName", "Fischer"), ("email", "lena.fischer@example.com")];
        return new CustomerUpdated
        {
            CustomerId = id,
            Version = version,
            ChangedFields = [.. values.Select(f => f.Name)],
            Customer = new CustomerSnapshot
            {
                Id = id,
                Version = version,
                Identifiers = identifiers ?? [CustomerIdentifier.Email("lena.fischer@example.com")],
                Fields = values.ToDictionary(f => f.Name, f => new CustomerFieldValue(f.Value, source, Now)),
                CreatedAt = Now.AddDays(-1),
                UpdatedAt = Now,
            },
            SourceConnectorInstanceId = source,
            OccurredAt = Now,
        };
    }

    public static IReadOnlyDictionary<string, string> Facts(params (string Name, string Value)[] facts) =>
        facts.ToDictionary(f => f.Name, f => f.Value);
}
