using System.Security.Cryptography;
using System.Text;
using Hub.Connectors.Salesforce.Records;
using Hub.Contracts.Connectors;

namespace Hub.Connectors.Salesforce.Inbound;

/// <summary>
/// Who may post: an Outbound Message must carry the configured org id; when an endpoint secret is
/// configured, every request must carry it too (<c>?secret=</c> or a Bearer token; the hub routes only
/// <c>/webhooks/{instance}</c>, so a secret as an extra path segment never arrives).
/// Change-event relays carry no org id, so they are taken only with the secret.
/// </summary>
internal static class EndpointAuthentication
{
    public static InboundWebhookResult? SecretProblem(InboundWebhookRequest request, SalesforceOptions options, bool required)
    {
        if (options.EndpointSecret is not { } secret)
        {
            return required
                ? InboundWebhookResult.Unauthorized("Change events are taken only with an endpoint secret: configure EndpointSecret and have the relay send it.")
                : null;
        }
        var expected = Encoding.UTF8.GetBytes(secret);
        var matched = false;
        foreach (var candidate in Candidates(request))
        {
            matched |= CryptographicOperations.FixedTimeEquals(expected, Encoding.UTF8.GetBytes(candidate));
        }
        return matched ? null : InboundWebhookResult.Unauthorized("The endpoint secret is missing or wrong: send it as ?secret=<EndpointSecret> on the URL or as Authorization: Bearer <EndpointSecret>.");
    }

    public static InboundWebhookResult? OrganizationProblem(string? organizationId, SalesforceOptions options)
    {
        var sent = SalesforceId.Normalize(organizationId) ?? "";
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(sent), Encoding.ASCII.GetBytes(options.OrganizationId))
            ? null
            : InboundWebhookResult.Reject(new WebhookRejection(403, "Outbound Message from another organization",
                $"OrganizationId '{organizationId}' is not the org this instance is configured for."));
    }

    private static IEnumerable<string> Candidates(InboundWebhookRequest request)
    {
        foreach (var pair in request.Url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            if (pair.StartsWith("secret=", StringComparison.Ordinal))
            {
                yield return Uri.UnescapeDataString(pair["secret=".Length..]);
            }
        }
        if (request.Header("Authorization") is { } authorization && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            yield return authorization["Bearer ".Length..].Trim();
        }
    }
}
