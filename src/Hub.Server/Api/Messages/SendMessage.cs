using Hub.Contracts.Connectors;
using Hub.Contracts.Consent;
using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;
using Hub.Core.Identity;
using Hub.Infrastructure.Connectors;
using Hub.Infrastructure.Consent;
using Hub.Infrastructure.Outbound;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Resolution;
using Hub.Server.Api.Customers;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Api.Messages;

/// <summary>
/// <c>POST /api/customers/{id}/messages</c> with <c>{"connectorInstanceId": "twilio1", "text": "...", "purpose": "service"}</c>
/// (and <c>"replyTo"</c>: an X post to answer in public, or the Message-ID of an e-mail to answer): the consent check, then the send, then the outcome
/// (<c>sms.sent</c>, <c>social.dm.sent</c>, <c>sms.blocked</c>, <c>sms.failed</c>, <c>sms.unconfirmed</c>) on the customer's timeline, so every
/// connected system learns what the customer was sent or was spared.
/// </summary>
internal static class SendMessage
{
    public const int MaxTextLength = 1600;
    public const int MaxReplyToLength = 998;

    public static async Task<IResult> HandleAsync(
        Guid id, SendMessageRequest? request, HubDbContext db, ConnectorInstances instances, IdentifierNormalizer normalizer,
        MessageOutcomes outcomes, OutboundConsentGate gate, OutboundOptions outbound, HttpContext http, CancellationToken cancellationToken)
    {
        if (Invalid(request) is { } invalid)
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid message", invalid);
        }
        if (!instances.TryGet(request!.ConnectorInstanceId!, out var instance, out var connector) || connector is not IMessageSender sender)
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid message",
                $"'{request.ConnectorInstanceId}' is not a connector instance that sends messages (a twilio, twitter or imap instance).");
        }
        if (sender.SendingProblem(instance) is { } cannotSend)
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid message", cannotSend);
        }
        if (InvalidReplyTo(request.ReplyTo, sender.MessageChannel) is { } invalidReplyTo)
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid message", invalidReplyTo);
        }
        var customerId = await MergedCustomers.SurvivorOfAsync(db, id, cancellationToken) ?? id;
        var customer = await db.Customers.AsNoTracking().AsSplitQuery().Include(c => c.Identifiers).Include(c => c.Fields)
            .FirstOrDefaultAsync(c => c.Id == customerId && c.MergedIntoId == null, cancellationToken);
        if (customer is null)
        {
            return MergedCustomers.NotFound(id);
        }
        if (Recipient(customer, request.To, sender.RecipientType, normalizer) is not { } to)
        {
            return Problem(StatusCodes.Status422UnprocessableEntity, "No address to send to", request.To is null
                ? $"Customer {customer.Id} has no '{sender.RecipientType}' identifier for {request.ConnectorInstanceId} to send to."
                : $"'{request.To}' is not one of customer {customer.Id}'s '{sender.RecipientType}' identifiers.");
        }
        var attempt = new OutboundAttempt(instance, sender.MessageChannel, sender.RecipientType, to, request.Purpose ?? ConsentFacts.ServicePurpose);
        GatedSend gated;
        try
        {
            gated = await gate.SendAsync(sender, instance, customer.Id, CustomerSnapshots.From(customer).Fields,
                new OutboundMessage(to, request.Text!, request.ReplyTo), attempt.Purpose, cancellationToken);
        }
        catch (Exception e) when (ProviderUnavailable.From(e, outbound) is { } unavailable)
        {
            if (unavailable.MayHaveBeenSent)
            {
                await outcomes.UnconfirmedAsync(attempt, request.Text!, CancellationToken.None);
            }
            if (unavailable.RetryAfter is { } wait)
            {
                http.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            return Problem(unavailable.Status, unavailable.Title, unavailable.Detail);
        }
        if (gated.Result is not { } result)
        {
            await outcomes.BlockedAsync(attempt, gated.Decision.Reason!, cancellationToken);
            return Problem(StatusCodes.Status409Conflict, "Blocked by the customer's consent", gated.Decision.Reason!);
        }
        if (!result.Sent)
        {
            await outcomes.FailedAsync(attempt, result, cancellationToken);
            var problem = TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "The provider refused the message",
                detail: result.Detail, extensions: new Dictionary<string, object?> { ["errorCode"] = result.ErrorCode });
            return problem;
        }
        var recorded = await outcomes.SentAsync(attempt, request.Text!, result, cancellationToken);
        return TypedResults.Ok(new SentMessage(customer.Id, instance.Id, sender.MessageChannel, to, result.ExternalMessageId, recorded));
    }

    private static string? Invalid(SendMessageRequest? request) => request switch
    {
        null => "Send {\"connectorInstanceId\": \"twilio1\", \"text\": \"...\", \"purpose\": \"service\"}.",
        { ConnectorInstanceId: null or "" } => "'connectorInstanceId' is required: the instance that sends the message.",
        { Text: null } or { Text: "" } => "'text' is required.",
        { Text.Length: > MaxTextLength } => $"'text' may hold at most {MaxTextLength} characters.",
        { ReplyTo: { Length: 0 or > MaxReplyToLength } } => $"'replyTo' must be the id of the message to answer, at most {MaxReplyToLength} characters.",
        { Purpose: not (null or ConsentFacts.ServicePurpose or ConsentFacts.MarketingPurpose) } =>
            $"'purpose' must be '{ConsentFacts.ServicePurpose}' (a reply or a notice the customer expects) or '{ConsentFacts.MarketingPurpose}'.",
        _ => null,
    };

    /// <summary>What a reply points at depends on the channel: an X post's numeric id, an e-mail's Message-ID.</summary>
    private static string? InvalidReplyTo(string? replyTo, string channel) => replyTo switch
    {
        null => null,
        _ when channel == TouchpointChannels.Social && (!replyTo.All(char.IsAsciiDigit) || replyTo.Length > 19) =>
            "'replyTo' must be the numeric id of the post to answer.",
        _ when channel == TouchpointChannels.Email && !(replyTo.StartsWith('<') && replyTo.EndsWith('>') && replyTo.Contains('@', StringComparison.Ordinal) && !replyTo.Any(char.IsWhiteSpace)) =>
            "'replyTo' must be the Message-ID of the e-mail to answer, such as <20250314091802.4A7C2E1F@mail.example.org>.",
        _ => null,
    };

    /// <summary>The address asked for when it is the customer's, else the customer's most recently linked one of that type.</summary>
    private static string? Recipient(CustomerRow customer, string? to, string type, IdentifierNormalizer normalizer)
    {
        var addresses = customer.Identifiers.Where(i => i.Type == type).OrderByDescending(i => i.LinkedAt).ToList();
        if (to is null)
        {
            return addresses.FirstOrDefault()?.Value;
        }
        var asked = normalizer.Normalize(new CustomerIdentifier(type, to)).Identifier?.Value;
        return addresses.FirstOrDefault(p => p.Value == asked)?.Value;
    }

    private static IResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail);
}

internal sealed record SendMessageRequest(string? ConnectorInstanceId, string? Text, string? Purpose, string? To, string? ReplyTo);

/// <summary>
/// A message that went out. <c>RecordedOnTimeline</c> is false when the hub could not put it on the timeline
/// (the broker was down): the message was sent all the same.
/// </summary>
internal sealed record SentMessage(Guid CustomerId, string ConnectorInstanceId, string Channel, string To, string? MessageId, bool RecordedOnTimeline);
