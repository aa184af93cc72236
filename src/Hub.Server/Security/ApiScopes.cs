namespace Hub.Server.Security;

/// <summary>
/// What an API key may do, one scope per group of the REST API. A key with no scopes listed may do everything (as every
/// key could before scopes existed); a key with scopes gets 403 outside them.
/// </summary>
public static class ApiScopes
{
    public const string ContextRead = "context:read";
    public const string CustomersRead = "customers:read";
    public const string IdentityReview = "identity:review";
    public const string MessagesSend = "messages:send";
    public const string Privacy = "privacy";
    public const string Operations = "operations";
    public const string Metrics = "metrics";

    /// <summary>Every scope with what it allows, in the order the admin UI lists them.</summary>
    public static IReadOnlyList<(string Scope, string Allows)> All { get; } =
    [
        (ContextRead, "Screen pop: the caller's context and the TwiML for Twilio (/api/context)."),
        (CustomersRead, "Find customers and read their record, timeline, merges, sync status and relationship health."),
        (IdentityReview, "Identity conflicts and duplicate suggestions; dismiss a suggestion (not the same person); merge two customers by hand or split a merged one."),
        (MessagesSend, "Send a message to a customer."),
        (Privacy, "Read and change consent, erase a customer, export a customer's data."),
        (Operations, "Failed messages: list, replay, discard."),
        (Metrics, "/metrics, when Hub:Telemetry:MetricsRequireApiKey is set."),
    ];

    public static bool IsKnown(string scope) => All.Any(s => s.Scope == scope);

    /// <summary>A scope list as configured or stored: scopes separated by spaces or commas.</summary>
    public static IReadOnlyList<string> Parse(string? list) =>
        string.IsNullOrWhiteSpace(list) ? [] : [.. list.Split([' ', ',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal)];

    public static string Format(IEnumerable<string> scopes) => string.Join(' ', scopes);
}
