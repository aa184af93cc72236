using System.Xml.Linq;
using Hub.Contracts.Connectors;

namespace Hub.Connectors.Salesforce.Inbound;

/// <summary>
/// The two answers Salesforce understands: the acknowledgement (one <c>Ack</c> for the whole message),
/// and a SOAP 1.1 fault with HTTP 500 so that it redelivers the whole message later.
/// </summary>
internal static class SoapResponses
{
    private const string ContentType = "text/xml; charset=utf-8";

    public static WebhookResponse Ack { get; } = new(200, ContentType, """
        <?xml version="1.0" encoding="UTF-8"?>
        <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
         <soapenv:Body>
          <notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound">
           <Ack>true</Ack>
          </notificationsResponse>
         </soapenv:Body>
        </soapenv:Envelope>
        """);

    public static WebhookResponse Fault(string faultString)
    {
        var soap = OutboundMessageReader.Soap;
        var envelope = new XElement(soap + "Envelope",
            new XAttribute(XNamespace.Xmlns + "soapenv", soap.NamespaceName),
            new XElement(soap + "Body",
                new XElement(soap + "Fault",
                    new XElement("faultcode", "soapenv:Server"),
                    new XElement("faultstring", faultString))));
        return new(500, ContentType, $"{new XDeclaration("1.0", "UTF-8", null)}\n{envelope}");
    }
}
