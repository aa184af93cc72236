using Hub.Contracts.Consent;
using Hub.Contracts.Customers;

namespace Hub.Core.Consent;

/// <summary>
/// The one check every outbound message passes before it leaves the hub, whatever its channel (SMS, e-mail,
/// social). A message is blocked when the customer withheld consent for the whole channel (<c>consent.sms</c>
/// denied: an SMS STOP), or for the message's purpose: of <c>consent.email.marketing</c> (that channel) and
/// <c>consent.*.marketing</c> (every channel, which an SMS STOP also denies), the more recent statement decides.
/// A service reply to a message the customer sent is blocked only by the whole channel's denial: the customer
/// who writes in expects an answer even if they declined, say, service notices on that channel. Anything else is
/// allowed: the hub does not invent consent that no system stated.
/// </summary>
public static class ConsentPolicy
{
    public static ConsentDecision Check(
        IReadOnlyDictionary<string, CustomerFieldValue> fields, string channel, string purpose, bool replyToCustomer = false)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var serviceReply = replyToCustomer && purpose == ConsentFacts.ServicePurpose;
        return ConsentFacts.Withholding(fields, channel, purpose, channelOnly: serviceReply) is { } withheld
            ? ConsentDecision.Block(
                $"The customer {withheld.Statement.Value} consent ({withheld.Fact}), stated by '{withheld.Statement.Source}' at {withheld.Statement.ObservedAt:O}.")
            : ConsentDecision.Allow;
    }
}

/// <summary>Whether a message may go out, and if not, why.</summary>
public sealed record ConsentDecision(bool Allowed, string? Reason)
{
    public static ConsentDecision Allow { get; } = new(true, null);

    public static ConsentDecision Block(string reason) => new(false, reason);
}
