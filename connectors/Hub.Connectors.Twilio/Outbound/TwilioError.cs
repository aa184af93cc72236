using System.Text.Json;

namespace Hub.Connectors.Twilio.Outbound;

/// <summary>Twilio's REST error body, <c>{"code": 21610, "message": "...", "more_info": "...", "status": 400}</c>; behaviour keys on the code, never the message.</summary>
internal sealed record TwilioError(int? Code, string? Message, int Status)
{
    /// <summary>"Attempt to send to unsubscribed recipient": the number replied STOP to this sender.</summary>
    public const int RecipientUnsubscribed = 21610;

    public static TwilioError Parse(string body, int status)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new(null, null, status);
            }
            int? code = root.TryGetProperty("code", out var c) && c.TryGetInt32(out var n) ? n : null;
            var message = root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            return new(code, message, status);
        }
        catch (JsonException)
        {
            return new(null, null, status);
        }
    }

    public string Describe() => Code is { } code
        ? $"Twilio error {code} (HTTP {Status}): {Message ?? "no message"}"
        : $"HTTP {Status} without a Twilio error body";
}
