namespace Hub.Core.RelationshipHealth;

/// <summary>
/// The health of one customer relationship, every number explainable from timeline entries
/// (definitions in docs/relationship-health.md).
/// </summary>
public sealed record RelationshipHealth(
    DateTimeOffset? LastContactAt,
    int ContactsStartedByCustomer,
    int ContactsStartedByCompany,
    IReadOnlyList<ChannelHealth> Channels,
    DateTimeOffset? AwaitingReplySince,
    int UnansweredMessages,
    IReadOnlyList<OpenCase> OpenCases,
    int Responses,
    TimeSpan? MedianResponseTime,
    TimeSpan? LastResponseTime,
    DateTimeOffset? LastRespondedAt)
{
    public static RelationshipHealth Empty { get; } = new(null, 0, 0, [], null, 0, [], 0, null, null, null);

    /// <summary>Open cases plus inbound messages still without a reply.</summary>
    public int OpenIssues => OpenCases.Count + UnansweredMessages;

    /// <summary>When the newest complaint (case) that is still open was opened.</summary>
    public DateTimeOffset? LastUnresolvedComplaintAt => OpenCases.Count == 0 ? null : OpenCases.Max(c => c.OpenedAt);

    /// <summary>The longest the customer has been waiting: for a reply, or for an open case to close.</summary>
    public DateTimeOffset? WaitingSince =>
        new[] { AwaitingReplySince, OpenCases.Count == 0 ? null : OpenCases.Min(c => c.OpenedAt) }.Where(d => d is not null).Min();

    /// <summary>The share of contacts the customer started, 0 to 1; null without contacts.</summary>
    public double? StartedByCustomerShare =>
        ContactsStartedByCustomer + ContactsStartedByCompany == 0
            ? null
            : (double)ContactsStartedByCustomer / (ContactsStartedByCustomer + ContactsStartedByCompany);
}

/// <summary>Recency and frequency of contact on one channel, and what the customer still waits for there.</summary>
public sealed record ChannelHealth(
    string Channel,
    int Contacts,
    int StartedByCustomer,
    int StartedByCompany,
    DateTimeOffset FirstContactAt,
    DateTimeOffset LastContactAt,
    DateTimeOffset? AwaitingReplySince,
    int UnansweredMessages)
{
    /// <summary>Contacts per 30 days between the first and the last contact (at least one 30-day period).</summary>
    public double ContactsPer30Days => Contacts / Math.Max(1.0, (LastContactAt - FirstContactAt).TotalDays / 30.0);
}

/// <summary>A CRM case whose latest touchpoint neither closes nor deletes it.</summary>
public sealed record OpenCase(string Reference, DateTimeOffset OpenedAt, DateTimeOffset LastChangedAt, string LatestType);
