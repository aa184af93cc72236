using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Hub.Contracts.Connectors;

namespace Hub.Connectors.Email.Inbound;

/// <summary>
/// SendGrid and Postmark post to a URL with credentials in it (<c>https://user:password@host/...</c>), which reaches
/// the hub as <c>Authorization: Basic</c>; checked in constant time. A refusal challenges for Basic credentials, as RFC 9110
/// requires of a 401: a client may send the credentials of a URL only once challenged.
/// </summary>
internal static class BasicAuthentication
{
    public const string Challenge = "Basic realm=\"hub webhooks\", charset=\"UTF-8\"";

    public static InboundWebhookResult? Refusal(InboundWebhookRequest request, ConnectorSettings settings, string provider)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Header("Authorization"), out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
        {
            return InboundWebhookResult.Unauthorized($"{provider} posts carry the credentials of the webhook URL (https://User:Password@...); this one has none.", Challenge);
        }
        byte[] given;
        try
        {
            given = Convert.FromBase64String(header.Parameter);
        }
        catch (FormatException)
        {
            return InboundWebhookResult.Unauthorized("The Basic credentials are not base64.", Challenge);
        }
        var expected = Encoding.UTF8.GetBytes($"{settings.GetRequired(InboundParseOptions.User)}:{settings.GetRequired(InboundParseOptions.Password)}");
        return CryptographicOperations.FixedTimeEquals(given, expected)
            ? null
            : InboundWebhookResult.Unauthorized("The user or password of the webhook URL is wrong.", Challenge);
    }
}
