namespace Hub.Server.Api.RelationshipHealth;

/// <summary>
/// The answer of <c>GET /api/customers/{id}/health</c> and the <c>health</c> of the customer context. Instants are
/// what the timeline says; the <c>...Days</c> and <c>...Seconds</c> beside them are measured at <see cref="AsOf"/>.
/// </summary>
public sealed record CustomerHealthView(
    Guid CustomerId,
    DateTimeOffset AsOf,
    DateTimeOffset? LastContactAt,
    int? DaysSinceLastContact,
    IReadOnlyList<ChannelHealthView> Channels,
    ContactsStartedView ContactsStarted,
    OpenIssuesView OpenIssues,
    ResponseTimeView ResponseTime,
    DateTimeOffset? LastUnresolvedComplaintAt,
    int? DaysSinceLastUnresolvedComplaint)
{
    public static CustomerHealthView From(Guid customerId, Core.RelationshipHealth.RelationshipHealth health, DateTimeOffset now) => new(
        customerId,
        now,
        health.LastContactAt,
        Days(health.LastContactAt, now),
        [.. health.Channels.OrderByDescending(c => c.LastContactAt).Select(c => new ChannelHealthView(
            c.Channel, c.Contacts, c.StartedByCustomer, c.StartedByCompany, c.FirstContactAt, c.LastContactAt, Days(c.LastContactAt, now)!.Value,
            Math.Round(c.ContactsPer30Days, 2), c.AwaitingReplySince, c.UnansweredMessages))],
        new ContactsStartedView(health.ContactsStartedByCustomer, health.ContactsStartedByCompany,
            health.StartedByCustomerShare is { } share ? Math.Round(share, 4) : null),
        new OpenIssuesView(health.OpenIssues, health.OpenCases.Count, health.UnansweredMessages, health.AwaitingReplySince,
            health.AwaitingReplySince is { } since ? (long)(now - since).TotalSeconds : null,
            [.. health.OpenCases.OrderByDescending(c => c.OpenedAt).Select(c => new OpenCaseView(c.Reference, c.OpenedAt, c.LastChangedAt, c.LatestType))]),
        new ResponseTimeView(health.Responses, Seconds(health.MedianResponseTime), Seconds(health.LastResponseTime), health.LastRespondedAt),
        health.LastUnresolvedComplaintAt,
        Days(health.LastUnresolvedComplaintAt, now));

    private static int? Days(DateTimeOffset? at, DateTimeOffset now) => at is { } a ? (int)Math.Floor((now - a).TotalDays) : null;

    private static long? Seconds(TimeSpan? time) => time is { } t ? (long)Math.Round(t.TotalSeconds, MidpointRounding.AwayFromZero) : null;
}

public sealed record ChannelHealthView(
    string Channel,
    int Contacts,
    int StartedByCustomer,
    int StartedByCompany,
    DateTimeOffset FirstContactAt,
    DateTimeOffset LastContactAt,
    int DaysSinceLastContact,
    double ContactsPer30Days,
    DateTimeOffset? AwaitingReplySince,
    int UnansweredMessages);

public sealed record ContactsStartedView(int ByCustomer, int ByCompany, double? CustomerShare);

public sealed record OpenIssuesView(
    int Total, int OpenCases, int UnansweredMessages, DateTimeOffset? AwaitingReplySince, long? WaitingForReplySeconds, IReadOnlyList<OpenCaseView> Cases);

public sealed record OpenCaseView(string Reference, DateTimeOffset OpenedAt, DateTimeOffset LastChangedAt, string LatestType);

public sealed record ResponseTimeView(int Responses, long? MedianSeconds, long? LastSeconds, DateTimeOffset? LastRespondedAt);
