using Hub.Contracts.Connectors;
using Hub.Contracts.Customers;
using Hub.Core.Consent;
using Hub.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Hub.Infrastructure.Consent;

/// <summary>
/// The one door every outbound message goes through, whatever connector sends it (SMS, e-mail, X): the consent
/// policy decides, and only an allowed message reaches <see cref="IMessageSender.SendAsync"/>. Whether the message
/// is a service reply is the hub's own finding (an inbound message of the customer on that channel within
/// <see cref="ConsentOptions.ReplyWindow"/>), never the caller's say-so.
/// </summary>
public sealed class OutboundConsentGate(HubDbContext db, ConsentOptions options, TimeProvider time)
{
    public async Task<GatedSend> SendAsync(
        IMessageSender sender, ConnectorInstance instance, Guid customerId, IReadOnlyDictionary<string, CustomerFieldValue> fields,
        OutboundMessage message, string purpose, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sender);
        var decision = ConsentPolicy.Check(fields, sender.MessageChannel, purpose,
            await RepliesToCustomerAsync(customerId, sender.MessageChannel, cancellationToken));
        return decision.Allowed
            ? new GatedSend(decision, await sender.SendAsync(message, instance, cancellationToken))
            : new GatedSend(decision, null);
    }

    private async Task<bool> RepliesToCustomerAsync(Guid customerId, string channel, CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow() - options.ReplyWindow;
        return await db.Timeline.AsNoTracking().AnyAsync(
            t => t.CustomerId == customerId && t.Channel == channel && t.Direction == "inbound" && t.OccurredAt >= since, cancellationToken);
    }
}

/// <summary>The policy's decision and, when the message was allowed, what the sender reported.</summary>
public sealed record GatedSend(ConsentDecision Decision, MessageSendResult? Result);
