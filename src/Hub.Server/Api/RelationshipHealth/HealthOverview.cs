namespace Hub.Server.Api.RelationshipHealth;

/// <summary>The answer of <c>GET /api/health/overview</c>: how the metrics spread over all customers, and whom to help first.</summary>
public sealed record HealthOverview(
    DateTimeOffset AsOf,
    int Customers,
    AwaitingReplyDistribution AwaitingReply,
    OpenComplaintDistribution OpenComplaints,
    int CustomersWithOpenIssues,
    ResponseTimeDistribution MedianResponseTime,
    ContactsStartedDistribution ContactsStarted,
    WaitingPage Waiting);

/// <summary>Customers with an inbound message still unanswered, by how long the oldest has waited.</summary>
public sealed record AwaitingReplyDistribution(int Customers, int LongerThanOneHour, int LongerThanOneDay, int LongerThanOneWeek);

/// <summary>Customers with an open case (complaint), by how long ago the newest open one was opened.</summary>
public sealed record OpenComplaintDistribution(int Customers, int OpenedWithinOneDay, int OpenedWithinOneWeek, int OpenedEarlier);

/// <summary>Customers the company has answered at least once, by their median response time.</summary>
public sealed record ResponseTimeDistribution(int Customers, int WithinOneHour, int WithinOneDay, int LongerThanOneDay);

/// <summary>Customers with contacts, by who started more of them.</summary>
public sealed record ContactsStartedDistribution(int MostlyByCustomer, int Even, int MostlyByCompany);

public sealed record WaitingPage(IReadOnlyList<WaitingCustomer> Items, string? NextCursor);

/// <summary>One customer to act on: waiting since the earlier of their oldest unanswered message and their oldest open case.</summary>
public sealed record WaitingCustomer(
    Guid CustomerId,
    string? Name,
    DateTimeOffset WaitingSince,
    long WaitingSeconds,
    DateTimeOffset? AwaitingReplySince,
    int UnansweredMessages,
    int OpenCases,
    DateTimeOffset? LastUnresolvedComplaintAt);
