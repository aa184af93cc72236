using System.Text;
using Hub.Integration.Tests.Connectors.Salesforce;

namespace Hub.Integration.Tests.Faults.BadInput;

/// <summary>Salesforce Outbound Messages (SOAP) and relayed change events (JSON), authenticated with the endpoint secret and the org id.</summary>
internal sealed class SalesforceEndpoint() : FuzzedEndpoint(SalesforceHub.SalesforceInstanceId)
{
    private const string Xml = "text/xml; charset=utf-8";
    private const string Json = "application/json";

    private static readonly byte[] OutboundMessage = Sample("salesforce", "outbound-message-contact.xml");
    private static readonly byte[][] ChangeEvents = [Sample("salesforce", "cdc-contact-create.json"), Sample("salesforce", "cdc-contact-update.json")];

    public override HttpRequestMessage Valid() => Authenticated("valid", OutboundMessage, Xml, 200).ToRequest();

    protected override BadWebhook Forged(Random random)
    {
        var secret = Pick<string?>(random, [null, "wrong-secret", SalesforceOrg.EndpointSecret + "x", ""]);
        var headers = secret is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["Authorization"] = $"Bearer {secret}" };
        return random.Next(3) switch
        {
            0 => new BadWebhook(InstanceId, "forged: outbound message without the endpoint secret", OutboundMessage, Xml, 401) { Headers = headers },
            1 => new BadWebhook(InstanceId, "forged: change event without the endpoint secret", Pick(random, ChangeEvents), Json, 401) { Headers = headers },
            _ => Authenticated("forged: outbound message of another org", Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(OutboundMessage)
                .Replace($"<OrganizationId>{SalesforceOrg.OrgId}", "<OrganizationId>00D5g000009ZzZz", StringComparison.Ordinal)), Xml, 403),
        };
    }

    protected override BadWebhook Malformed(Random random)
    {
        var (what, (how, body), contentType) = random.Next(2) == 0
            ? ("outbound message", Mutations.BreakXml(random, OutboundMessage), Xml)
            : ("change event", Mutations.BreakJson(random, Pick(random, ChangeEvents)), Json);
        return Authenticated($"malformed {what}: {how}", body, contentType, 400);
    }

    protected override BadWebhook WrongContentType(Random random, string contentType) =>
        Authenticated("wrong content type", random.Next(2) == 0 ? OutboundMessage : Pick(random, ChangeEvents), contentType, 415);

    protected override BadWebhook Authenticated(string kind, byte[] body, string contentType, int expectedStatus) =>
        new(InstanceId, kind, body, contentType, expectedStatus)
        {
            Headers = new Dictionary<string, string> { ["Authorization"] = $"Bearer {SalesforceOrg.EndpointSecret}" },
        };
}
