using Hub.Connectors.Twilio.Signing;
using Hub.Contracts.Connectors;

namespace Hub.Connectors.Twilio.Inbound;

/// <summary>
/// Checks X-Twilio-Signature, then maps the voice, status, recording or messaging webhook (posted as a form, or as the
/// query of a GET when the console says HTTP GET), answering with
/// empty TwiML, or the instance's configured TwiML for an incoming call or text. A forged request is answered
/// 403, as Twilio's own helpers do, and brings nothing.
/// </summary>
internal static class TwilioReceiver
{
    public const string EmptyTwiml = """<?xml version="1.0" encoding="UTF-8"?><Response></Response>""";

    private static readonly WebhookResponse Twiml = new(200, "text/xml", EmptyTwiml);

    public static InboundWebhookResult Receive(InboundWebhookRequest request, TwilioOptions options)
    {
        var signature = request.Header(TwilioSignature.Header);
        if (string.IsNullOrWhiteSpace(signature))
        {
            return Forbidden($"The request carries no {TwilioSignature.Header} header.");
        }
        var urls = SignedUrls.For(request.Url.OriginalString, options.PublicBaseUrl);
        if (string.Equals(request.Method, "GET", StringComparison.OrdinalIgnoreCase))
        {
            return ReceiveQuery(request, options, signature, urls);
        }
        var mediaType = MediaType(request.ContentType);
        if (mediaType == "application/json")
        {
            return ReceiveJson(request, options, signature, urls);
        }
        if (mediaType is not (null or "application/x-www-form-urlencoded"))
        {
            return InboundWebhookResult.UnsupportedMediaType($"Content-Type '{request.ContentType}' is not a Twilio webhook; Twilio posts application/x-www-form-urlencoded.");
        }
        var form = FormBody.Parse(request.Body.Span);
        if (!TwilioSignature.Matches(options.AuthToken, signature, urls, form.Pairs))
        {
            return Forbidden($"{TwilioSignature.Header} does not match the URL ({urls[0]}) and parameters signed with the instance's auth token.");
        }
        return Map(form, request, options);
    }

    /// <summary>
    /// A webhook configured as HTTP GET: Twilio puts the parameters in the query string, so the signature is over the
    /// URL alone (the query exactly as sent), and the parameters are read from the query.
    /// </summary>
    private static InboundWebhookResult ReceiveQuery(InboundWebhookRequest request, TwilioOptions options, string signature, IReadOnlyList<string> urls)
    {
        if (!TwilioSignature.Matches(options.AuthToken, signature, urls, []))
        {
            return Forbidden($"{TwilioSignature.Header} does not match the URL ({urls[0]}) with its query signed with the instance's auth token.");
        }
        return Map(QueryOf(request), request, options);
    }

    private static InboundWebhookResult Map(FormBody form, InboundWebhookRequest request, TwilioOptions options)
    {
        if (form["AccountSid"] is { } account && !string.Equals(account, options.AccountSid, StringComparison.OrdinalIgnoreCase))
        {
            return Forbidden($"The webhook is for account {account}, not this instance's {options.AccountSid}.");
        }
        var mapped = TwilioMapper.Map(form, request.ReceivedAt);
        return mapped.Problem is { } problem
            ? InboundWebhookResult.BadRequest(problem)
            : InboundWebhookResult.Accept(mapped.Touchpoints, Answer(mapped.Touchpoints, form, options));
    }

    private static WebhookResponse Answer(IReadOnlyList<Contracts.Touchpoints.TouchpointDraft> touchpoints, FormBody form, TwilioOptions options)
    {
        var type = touchpoints.Count == 1 ? touchpoints[0].Type : null;
        var configured = type switch
        {
            "call.started" => options.VoiceResponse,
            "sms.received" when !MessageMapper.TwilioAnswers(form) => options.MessagingResponse,
            _ => null,
        };
        return configured is null ? Twiml : new WebhookResponse(200, "text/xml", configured);
    }

    /// <summary>JSON bodies are signed through the URL, which carries the body's hash; none of them is a call or message webhook.</summary>
    private static InboundWebhookResult ReceiveJson(InboundWebhookRequest request, TwilioOptions options, string signature, IReadOnlyList<string> urls)
    {
        var query = QueryOf(request);
        var claimed = query["bodySHA256"];
        if (claimed is null || !TwilioSignature.Matches(options.AuthToken, signature, urls, []))
        {
            return Forbidden($"{TwilioSignature.Header} does not match the URL (with bodySHA256) signed with the instance's auth token.");
        }
        var actual = TwilioSignature.BodyHash(request.Body.Span);
        if (!System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.ASCII.GetBytes(actual), System.Text.Encoding.ASCII.GetBytes(claimed.ToLowerInvariant())))
        {
            return Forbidden("The body does not match the bodySHA256 the signed URL carries.");
        }
        return InboundWebhookResult.UnsupportedMediaType("Authentic, but JSON bodies carry no call or message: point voice, status, recording and messaging webhooks (form-encoded) here.");
    }

    /// <summary>The query string's parameters, decoded as a form body is.</summary>
    private static FormBody QueryOf(InboundWebhookRequest request) => FormBody.Parse(System.Text.Encoding.UTF8.GetBytes(request.Url.Query.TrimStart('?')));

    private static InboundWebhookResult Forbidden(string detail) =>
        InboundWebhookResult.Reject(new WebhookRejection(403, "Twilio signature is not valid", detail));

    private static string? MediaType(string? contentType) =>
        string.IsNullOrWhiteSpace(contentType) ? null : contentType.Split(';')[0].Trim().ToLowerInvariant();
}
