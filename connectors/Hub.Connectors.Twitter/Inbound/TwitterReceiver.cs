using System.Text.Json;
using Hub.Connectors.Twitter.Signing;
using Hub.Contracts.Connectors;

namespace Hub.Connectors.Twitter.Inbound;

/// <summary>
/// <c>GET ?crc_token=</c>: the CRC answer X registers and re-validates the webhook with. <c>POST</c>: an Account
/// Activity event, taken only with a valid <c>x-twitter-webhooks-signature</c> over the raw body.
/// </summary>
internal static class TwitterReceiver
{
    public static InboundWebhookResult Receive(InboundWebhookRequest request, TwitterOptions options)
    {
        if (string.Equals(request.Method, "GET", StringComparison.OrdinalIgnoreCase))
        {
            return Challenge(request, options);
        }
        if (!WebhookSignature.Matches(options.ConsumerSecret, request.Body.Span, request.Header(WebhookSignature.Header)))
        {
            return InboundWebhookResult.Reject(new WebhookRejection(401, "X signature is not valid",
                $"The request carries no {WebhookSignature.Header}, or it does not match the body signed with the instance's consumer secret."));
        }
        if (request.ContentType is { } type && !type.Split(';')[0].Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return InboundWebhookResult.UnsupportedMediaType($"Content-Type '{type}' is not an Account Activity event; X posts application/json.");
        }
        // The JSON reader checks UTF-8 only in what it is asked to read, so a bad byte in a string would fail later or never.
        if (!System.Text.Unicode.Utf8.IsValid(request.Body.Span))
        {
            return InboundWebhookResult.BadRequest("The body is not valid UTF-8, which JSON must be.");
        }
        try
        {
            using var document = JsonDocument.Parse(request.Body);
            var mapped = TwitterMapper.Map(document.RootElement, options.AccountUserId);
            return mapped.Problem is { } problem ? InboundWebhookResult.BadRequest(problem) : InboundWebhookResult.Accept(mapped.Touchpoints);
        }
        catch (JsonException e)
        {
            return InboundWebhookResult.BadRequest($"The body is not JSON: {e.Message}");
        }
    }

    private static InboundWebhookResult Challenge(InboundWebhookRequest request, TwitterOptions options)
    {
        var token = System.Web.HttpUtility.ParseQueryString(request.Url.Query)["crc_token"];
        if (string.IsNullOrEmpty(token))
        {
            return InboundWebhookResult.BadRequest("A GET is X's challenge-response check and must carry 'crc_token'.");
        }
        // Written by hand: the token is "sha256=" and base64, with nothing to escape, so the body is byte for byte the
        // documented one (a serializer would write '+' as "\u002B").
        var body = $$"""{"response_token":"{{WebhookSignature.CrcResponseToken(options.ConsumerSecret, token)}}"}""";
        return InboundWebhookResult.Accept([], new WebhookResponse(200, "application/json", body));
    }
}
