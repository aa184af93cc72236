using Hub.Contracts.Touchpoints;

namespace Hub.Contracts.Connectors;

/// <summary>What a connector made of a webhook: touchpoints to accept, or a rejection.</summary>
public sealed record InboundWebhookResult
{
    private InboundWebhookResult(IReadOnlyList<TouchpointDraft> touchpoints, WebhookResponse response, WebhookRejection? rejection)
    {
        Touchpoints = touchpoints;
        Response = response;
        Rejection = rejection;
    }

    /// <summary>The touchpoints to accept (empty for events that carry none, such as a handshake).</summary>
    public IReadOnlyList<TouchpointDraft> Touchpoints { get; }

    /// <summary>The response the source expects once the touchpoints are durable.</summary>
    public WebhookResponse Response { get; }

    /// <summary>Set when the request is refused; nothing is stored then.</summary>
    public WebhookRejection? Rejection { get; }

    /// <summary>
    /// The response to send instead of <see cref="Response"/> when the touchpoints cannot be made durable
    /// now, in the form the source understands as "retry later" (a SOAP fault for Salesforce). Null: the
    /// host answers 503 with Retry-After.
    /// </summary>
    public WebhookResponse? UnavailableResponse { get; init; }

    /// <summary>
    /// A value the source signed into this request and never signs again for other content (Mailgun's <c>token</c>,
    /// where the signature does not cover the body). The host keeps it until <see cref="SingleUseToken.KeepUntil"/>
    /// and refuses (401) a request that brings it again with another body (or <see cref="SingleUseToken.Content"/>): a captured
    /// signature cannot carry forged content. The same body again is a retry and goes through, also after a 503; its touchpoints are deduplicated as usual. The
    /// connector must itself refuse requests signed longer ago than <see cref="SingleUseToken.KeepUntil"/> allows.
    /// </summary>
    public SingleUseToken? SingleUse { get; init; }

    /// <summary>Accept the touchpoints; answer with <paramref name="response"/> (default: 200 with an empty JSON object).</summary>
    public static InboundWebhookResult Accept(IReadOnlyList<TouchpointDraft> touchpoints, WebhookResponse? response = null) =>
        new(touchpoints, response ?? WebhookResponse.Ok, null);

    /// <summary>The request is not authentic (missing, forged or stale signature): 401.</summary>
    public static InboundWebhookResult Unauthorized(string detail) =>
        Reject(new WebhookRejection(401, "Webhook signature is not valid", detail));

    /// <summary>
    /// The request lacks the credentials of an HTTP authentication scheme (<c>Basic</c>) or brings wrong ones: 401 with
    /// <paramref name="challenge"/> as its <c>WWW-Authenticate</c>, which RFC 9110 requires and some senders wait for
    /// before they send the credentials of a URL.
    /// </summary>
    public static InboundWebhookResult Unauthorized(string detail, string challenge) =>
        Reject(new WebhookRejection(401, "Webhook credentials are not valid", detail) { Challenge = challenge });

    /// <summary>The body cannot be understood: 400, naming the problem.</summary>
    public static InboundWebhookResult BadRequest(string detail) =>
        Reject(new WebhookRejection(400, "Webhook body is not valid", detail));

    /// <summary>The content type is not one the connector reads: 415.</summary>
    public static InboundWebhookResult UnsupportedMediaType(string detail) =>
        Reject(new WebhookRejection(415, "Webhook content type is not supported", detail));

    /// <summary>Refuse with any status.</summary>
    public static InboundWebhookResult Reject(WebhookRejection rejection) => new([], WebhookResponse.Ok, rejection);
}

/// <summary>A signed value the host accepts with one body only (see <see cref="InboundWebhookResult.SingleUse"/>).</summary>
/// <param name="Value">The token as the source sent it.</param>
/// <param name="KeepUntil">Until when the host remembers it: when the connector's own freshness check refuses it anyway.</param>
public sealed record SingleUseToken(string Value, DateTimeOffset KeepUntil)
{
    /// <summary>
    /// What a retry must bring again for the token to go through: the raw body when null. A connector whose source
    /// frames the same content differently on each attempt (a new multipart boundary) gives the content it read.
    /// </summary>
    public ReadOnlyMemory<byte>? Content { get; init; }

    /// <summary>The 401's detail when the token comes again with other content, in the source's terms; null: a general one.</summary>
    public string? ReuseDetail { get; init; }
}

/// <summary>Why a webhook was refused; the host answers with problem+json.</summary>
/// <param name="StatusCode">401, 403, 400, 415...</param>
/// <param name="Title">A short, stable title.</param>
/// <param name="Detail">What exactly is wrong, for the sender's developer.</param>
public sealed record WebhookRejection(int StatusCode, string Title, string Detail)
{
    /// <summary>The <c>WWW-Authenticate</c> value of a 401 under an HTTP authentication scheme (<c>Basic realm="..."</c>); null: none.</summary>
    public string? Challenge { get; init; }
}

/// <summary>The exact HTTP response a source expects (a SOAP ack, a CRC token, TwiML, JSON).</summary>
/// <param name="StatusCode">The status code.</param>
/// <param name="ContentType">The content type of <paramref name="Body"/>.</param>
/// <param name="Body">The body text.</param>
public sealed record WebhookResponse(int StatusCode, string ContentType, string Body)
{
    /// <summary>200 with <c>{}</c>.</summary>
    public static WebhookResponse Ok { get; } = new(200, "application/json", "{}");
}
