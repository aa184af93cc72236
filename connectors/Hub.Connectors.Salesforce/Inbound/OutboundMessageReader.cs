using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Hub.Connectors.Salesforce.Records;

namespace Hub.Connectors.Salesforce.Inbound;

/// <summary>
/// Reads the SOAP 1.1 envelope of an Outbound Message (namespaces bound by URI, never by prefix): the
/// sending org and one <see cref="SalesforceEvent"/> per Notification, keyed by the notification id so
/// that a redelivered message maps onto the same touchpoints.
/// </summary>
internal static class OutboundMessageReader
{
    public static readonly XNamespace Soap = "http://schemas.xmlsoap.org/soap/envelope/";
    public static readonly XNamespace Outbound = "http://soap.sforce.com/2005/09/outbound";
    private static readonly XNamespace SObject = "urn:sobject.enterprise.soap.sforce.com";
    private static readonly XNamespace Xsi = "http://www.w3.org/2001/XMLSchema-instance";

    public static (string? OrganizationId, IReadOnlyList<SalesforceEvent> Events, string? Problem) Read(ReadOnlyMemory<byte> body, DateTimeOffset receivedAt)
    {
        XDocument document;
        try
        {
            using var stream = new MemoryStream(body.ToArray(), writable: false);
            using var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            document = XDocument.Load(reader);
        }
        catch (XmlException e)
        {
            return Fail($"The body is not well-formed XML: {e.Message}");
        }
        var notifications = document.Root?.Element(Soap + "Body")?.Element(Outbound + "notifications");
        if (document.Root?.Name != Soap + "Envelope" || notifications is null)
        {
            return Fail("The body is not a SOAP 1.1 envelope holding an Outbound Message (notifications in http://soap.sforce.com/2005/09/outbound).");
        }
        var orgId = notifications.Element(Outbound + "OrganizationId")?.Value.Trim();
        var events = new List<SalesforceEvent>();
        var index = 0;
        foreach (var notification in notifications.Elements(Outbound + "Notification"))
        {
            var (item, problem) = ReadNotification(notification, index++, receivedAt);
            if (problem is not null)
            {
                return Fail(problem);
            }
            events.Add(item!);
        }
        return events.Count == 0 ? Fail("The Outbound Message holds no Notification.") : (orgId, events, null);
    }

    private static (SalesforceEvent?, string?) ReadNotification(XElement notification, int index, DateTimeOffset receivedAt)
    {
        var where = $"Notification[{index}]";
        var id = SalesforceId.Normalize(notification.Element(Outbound + "Id")?.Value);
        var sObject = notification.Element(Outbound + "sObject");
        if (id is null || sObject is null)
        {
            return (null, $"{where} needs an Id (a Salesforce id) and an sObject.");
        }
        var type = sObject.Attribute(Xsi + "type")?.Value is { } typeName ? typeName[(typeName.IndexOf(':', StringComparison.Ordinal) + 1)..] : null;
        var fields = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var field in sObject.Elements().Where(e => e.Name.Namespace == SObject))
        {
            fields[field.Name.LocalName] = field.Attribute(Xsi + "nil")?.Value == "true" ? null : field.Value;
        }
        var recordId = SalesforceId.Normalize(fields.GetValueOrDefault("Id"));
        if (type is null || recordId is null)
        {
            return (null, $"{where}: the sObject needs an xsi:type and an Id field holding a Salesforce id.");
        }
        var occurredAt = DateTimeOffset.TryParse(fields.GetValueOrDefault("LastModifiedDate"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var modified)
            ? modified : receivedAt;
        return (new SalesforceEvent($"om:{id}", type, recordId, ChangeKind.Current, fields, occurredAt, null, SalesforceId.Normalize(fields.GetValueOrDefault("LastModifiedById"))), null);
    }

    private static (string?, IReadOnlyList<SalesforceEvent>, string?) Fail(string problem) => (null, [], problem);
}
