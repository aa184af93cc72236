using System.Text.Json;
using Hub.Connectors.Salesforce.Auth;
using Hub.Connectors.Salesforce.Records;
using Hub.Connectors.Salesforce.Sync;
using Hub.Contracts.Connectors;
using Hub.Contracts.Touchpoints;

namespace Hub.Connectors.Salesforce.Inbound;

/// <summary>
/// <c>POST /webhooks/{instance}</c>: Outbound Messages (SOAP, <c>text/xml</c>) and relayed change events
/// (<c>application/json</c>), told apart by content type. A message is taken whole or not at all. A Contact's
/// deletion (or undeletion) is told to the <see cref="PushLedger"/>, so that the deleted id steers no later write,
/// and so is any change of a Contact that is not the hub's echo, so that the next write of it goes out.
/// </summary>
internal sealed class InboundReceiver(TokenCache tokens, PushLedger ledger)
{
    public InboundWebhookResult Receive(InboundWebhookRequest request, ConnectorInstance instance)
    {
        var options = SalesforceOptions.From(instance.Settings);
        return Kind(request) switch
        {
            "xml" => OutboundMessage(request, instance, options),
            "json" => ChangeEvents(request, instance, options),
            _ => InboundWebhookResult.UnsupportedMediaType(
                $"Content-Type '{request.ContentType}' is not read: send Outbound Messages as text/xml and change events as application/json."),
        };
    }

    private InboundWebhookResult OutboundMessage(InboundWebhookRequest request, ConnectorInstance instance, SalesforceOptions options)
    {
        if (EndpointAuthentication.SecretProblem(request, options, required: false) is { } unauthorized)
        {
            return unauthorized;
        }
        var (organizationId, events, problem) = OutboundMessageReader.Read(request.Body, request.ReceivedAt);
        if (problem is not null)
        {
            return InboundWebhookResult.BadRequest(problem);
        }
        if (EndpointAuthentication.OrganizationProblem(organizationId, options) is { } forbidden)
        {
            return forbidden;
        }
        var (touchpoints, unsupported) = Map(events, instance, options);
        if (unsupported is not null)
        {
            return InboundWebhookResult.BadRequest(unsupported);
        }
        var notifications = string.Join(", ", events.Select(e => e.SourceEventId["om:".Length..]));
        return InboundWebhookResult.Accept(touchpoints, SoapResponses.Ack) with
        {
            UnavailableResponse = SoapResponses.Fault($"Temporarily unable to persist notification {notifications}; please retry"),
        };
    }

    private InboundWebhookResult ChangeEvents(InboundWebhookRequest request, ConnectorInstance instance, SalesforceOptions options)
    {
        if (EndpointAuthentication.SecretProblem(request, options, required: true) is { } unauthorized)
        {
            return unauthorized;
        }
        // The JSON reader checks UTF-8 only in what it is asked to read, so a bad byte in a string would fail later or never.
        if (!System.Text.Unicode.Utf8.IsValid(request.Body.Span))
        {
            return InboundWebhookResult.BadRequest("The body is not valid UTF-8, which JSON must be.");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(request.Body, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            return InboundWebhookResult.BadRequest($"The body is not valid JSON: {e.Message}");
        }
        using (document)
        {
            var (events, problem) = ChangeEventReader.Read(document.RootElement, request.ReceivedAt);
            if (problem is not null)
            {
                return InboundWebhookResult.BadRequest(problem);
            }
            var (touchpoints, unsupported) = Map(events, instance, options);
            return unsupported is null ? InboundWebhookResult.Accept(touchpoints) : InboundWebhookResult.BadRequest(unsupported);
        }
    }

    private (IReadOnlyList<TouchpointDraft>, string?) Map(IReadOnlyList<SalesforceEvent> events, ConnectorInstance instance, SalesforceOptions options)
    {
        if (events.FirstOrDefault(e => !RecordMapper.Supported.Contains(e.ObjectType)) is { } other)
        {
            return ([], $"'{other.ObjectType}' records are not read; send Contact, Lead, Case or Task.");
        }
        var integrationUser = options.IntegrationUserId ?? tokens.KnownUserId(instance.Id);
        foreach (var contact in events.Where(e => string.Equals(e.ObjectType, "Contact", StringComparison.OrdinalIgnoreCase)))
        {
            var contactId = SalesforceId.Normalize(contact.RecordId) ?? contact.RecordId;
            if (contact.Kind == ChangeKind.Delete)
            {
                ledger.ContactGone(instance.Id, contactId);
            }
            else if (contact.Kind == ChangeKind.Undelete)
            {
                ledger.ContactBack(instance.Id, contactId);
            }
            if (!EchoFilter.IsEcho(contact, integrationUser))
            {
                ledger.ContactChanged(instance.Id, contactId);
            }
        }
        return ([.. events.Where(e => !EchoFilter.IsEcho(e, integrationUser)).Select(e => RecordMapper.Map(e, options))], null);
    }

    private static string? Kind(InboundWebhookRequest request)
    {
        var mediaType = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(mediaType))
        {
            var first = request.Body.Span.TrimStart(" \t\r\n\uFEFF"u8);
            return first.IsEmpty ? null : first[0] == (byte)'<' ? "xml" : "json";
        }
        return mediaType switch
        {
            "text/xml" or "application/xml" or "application/soap+xml" => "xml",
            "application/json" => "json",
            _ when mediaType.EndsWith("+json", StringComparison.Ordinal) => "json",
            _ => null,
        };
    }
}
