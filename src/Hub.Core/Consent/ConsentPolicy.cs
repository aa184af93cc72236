using Hub.Contracts.Consent;
using Hub.Contracts.Customers;

namespace Hub.Core.Consent;

/// <summary>
/// The one check every outbound message passes before it leaves the hub. A message is blocked when the customer
/// withheld consent for the whole channel (<c>consent.sms</c> denied: an SMS STOP), which also stops service
/// replies, or for the message's purpose on that channel (<c>consent.sms.marketing</c> denied). Anything else
/// is allowed: the hub does not invent consent that no system stated.
/// </summary>
public static class ConsentPolicy
{
    public static ConsentDecision Check(IReadOnlyDictionary<string, CustomerFieldValue> fields, string channel, string purpose)
    {
        ArgumentNullException.ThrowIfNull(fields);
        foreach (var fact in new[] { ConsentFacts.For(channel), ConsentFacts.For(channel, purpose) })
        {
            if (fields.TryGetValue(fact, out var statement) && ConsentFacts.Withholds(statement.Value))
            {
                return ConsentDecision.Block(
                    $"The customer {statement.Value} consent ({fact}), stated by '{statement.Source}' at {statement.ObservedAt:O}.");
            }
        }
        return ConsentDecision.Allow;
    }
}

/// <summary>Whether a message may go out, and if not, why.</summary>
public sealed record ConsentDecision(bool Allowed, string? Reason)
{
    public static ConsentDecision Allow { get; } = new(true, null);

    public static ConsentDecision Block(string reason) => new(false, reason);
}
