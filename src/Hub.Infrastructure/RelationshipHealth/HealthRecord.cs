using Hub.Contracts.Touchpoints;
using Hub.Core.RelationshipHealth;
using Hub.Infrastructure.Persistence;

namespace Hub.Infrastructure.RelationshipHealth;

/// <summary>Between the stored row and the core's state: the state in, the state and its indexed figures out.</summary>
internal static class HealthRecord
{
    public static HealthTouchpoint From(TouchpointReceived touchpoint) =>
        new(touchpoint.Channel, touchpoint.Type, touchpoint.Direction, touchpoint.OccurredAt, touchpoint.ContentReference ?? touchpoint.SourceEventId);

    public static void Write(CustomerHealthRow row, HealthState state)
    {
        var health = state.Summarize();
        row.State = state.Encode();
        row.LastContactAt = health.LastContactAt;
        row.AwaitingReplySince = health.AwaitingReplySince;
        row.UnansweredMessages = health.UnansweredMessages;
        row.OpenCases = health.OpenCases.Count;
        row.LastUnresolvedComplaintAt = health.LastUnresolvedComplaintAt;
        row.WaitingSince = health.WaitingSince;
        row.Responses = health.Responses;
        row.MedianResponseSeconds = Seconds(health.MedianResponseTime);
        row.LastResponseSeconds = Seconds(health.LastResponseTime);
        row.ContactsStartedByCustomer = health.ContactsStartedByCustomer;
        row.ContactsStartedByCompany = health.ContactsStartedByCompany;
    }

    private static long? Seconds(TimeSpan? time) => time is { } t ? (long)Math.Round(t.TotalSeconds, MidpointRounding.AwayFromZero) : null;
}
