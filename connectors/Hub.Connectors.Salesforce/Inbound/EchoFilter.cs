using Hub.Connectors.Salesforce.Api;

namespace Hub.Connectors.Salesforce.Inbound;

/// <summary>
/// Recognizes the hub's own writes coming back: a change event whose <c>changeOrigin</c> names the hub's
/// call-options client, or any change made by the integration user (the event's <c>commitUser</c>, an
/// Outbound Message's <c>LastModifiedById</c>). Such a change holds nothing the hub does not know, and
/// a stale one would undo a newer change, so it becomes no touchpoint.
/// </summary>
internal static class EchoFilter
{
    private const string ClientMarker = ";client=";

    public static bool IsEcho(SalesforceEvent e, string? integrationUserId)
    {
        if (e.ChangeOrigin is { } origin && origin.IndexOf(ClientMarker, StringComparison.Ordinal) is var at and >= 0
            && origin[(at + ClientMarker.Length)..].TrimEnd('/') == SalesforceClient.CallOptionsClient)
        {
            return true;
        }
        return integrationUserId is not null && string.Equals(e.ChangedBy, integrationUserId, StringComparison.Ordinal);
    }
}
