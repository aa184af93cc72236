using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using Hub.Contracts.Consent;
using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;
using Hub.Core.Identity;
using Hub.Infrastructure.Ingress;
using Hub.Infrastructure.Persistence;
using Hub.Server.Api.Customers;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Api.Consent;

/// <summary>
/// <c>PUT /api/customers/{id}/consent</c> with <c>{"channel": "email", "purpose": "marketing", "status": "denied"}</c>
/// (purpose left out: the whole channel; channel left out: the purpose on every channel, <c>consent.*.marketing</c>).
/// The statement goes through the ingress like any touchpoint
/// (<c>consent.changed</c> on the timeline, source <c>api:&lt;key name&gt;</c>), so it resolves by the same
/// most-recent-wins rule, keeps its provenance and reaches every connected system through the outbox. 202 Accepted.
/// <c>statedAt</c> (optional, ISO 8601) is when the person said so, for a statement recorded elsewhere first (a consent
/// platform, a paper form): an older statement then does not override a newer one, and sending the same statement
/// again is one statement, not two. A property the body does not know is refused, so a misspelt one is not ignored.
/// </summary>
internal static class PutConsent
{
    public const string SourcePrefix = "api:";

    private static readonly IReadOnlyList<string> Channels = ConsentFacts.Channels;
    private static readonly IReadOnlyList<string> Purposes = ConsentFacts.Purposes;

    /// <summary>How far ahead of the hub's clock a client's <c>statedAt</c> may be (clocks differ); later is refused.</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    public static async Task<IResult> HandleAsync(
        Guid id, ConsentStatement? statement, HubDbContext db, TouchpointNormalizer normalizer, ITouchpointIngress ingress, TimeProvider time,
        HttpContext http, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if ((Invalid(statement) ?? InvalidTime(statement!.StatedAt, now)) is { } problem)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid consent statement", detail: problem);
        }
        var customerId = await MergedCustomers.SurvivorOfAsync(db, id, cancellationToken) ?? id;
        var identifier = await db.CustomerIdentifiers.AsNoTracking().Where(i => i.CustomerId == customerId)
            .OrderBy(i => i.LinkedAt).ThenBy(i => i.Type).ThenBy(i => i.Value).FirstOrDefaultAsync(cancellationToken);
        if (identifier is null)
        {
            return MergedCustomers.NotFound(id);
        }
        var fact = ConsentFacts.For(statement!.Channel ?? ConsentFacts.AllChannels, statement.Purpose);
        var status = ConsentFacts.NormalizeStatus(statement.Status)!;
        var statedAt = statement.StatedAt ?? now;
        var source = SourcePrefix + (http.User.Identity?.Name ?? "unknown");
        var draft = new TouchpointDraft
        {
            SourceEventId = statement.StatedAt is { } given ? StatementId(customerId, fact, status, given) : $"consent-{Guid.CreateVersion7(now):N}",
            Channel = statement.Channel ?? TouchpointChannels.Web,
            Type = "consent.changed",
            OccurredAt = statedAt,
            Identities = [new CustomerIdentifier(identifier.Type, identifier.Value)],
            ProfileFacts = new Dictionary<string, string> { [fact] = status },
            Summary = $"Consent {status} ({fact}) through the API",
        };
        var touchpoint = normalizer.Normalize(draft, source[..Math.Min(source.Length, TouchpointLimits.ConnectorInstanceIdLength)], now);
        try
        {
            await ingress.AcceptAsync([touchpoint], cancellationToken);
        }
        catch (IngressUnavailableException e)
        {
            http.Response.Headers.RetryAfter = "5";
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The hub cannot take the statement now", detail: e.Message);
        }
        return TypedResults.Accepted($"/api/customers/{customerId}/consent", new AcceptedConsent(customerId, fact, status, touchpoint.ConnectorInstanceId, touchpoint.OccurredAt, touchpoint.TouchpointId));
    }

    private static string? InvalidTime(DateTimeOffset? statedAt, DateTimeOffset now) =>
        statedAt > now + ClockSkew
            ? $"'statedAt' is in the future ({statedAt.Value.ToUniversalTime():O}, the hub's clock says {now:O}); send when the person stated it."
            : null;

    /// <summary>The same statement sent twice (a client's retry) is one source event, so the ingress takes it once.</summary>
    private static string StatementId(Guid customerId, string fact, string status, DateTimeOffset statedAt)
    {
        var key = string.Create(CultureInfo.InvariantCulture, $"{customerId:N}|{fact}|{status}|{statedAt.UtcTicks}");
        return "consent-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32];
    }

    private static string? Invalid(ConsentStatement? statement) => statement switch
    {
        null => "Send {\"channel\": \"email\", \"purpose\": \"marketing\", \"status\": \"denied\"}.",
        { Channel: null, Purpose: null } or { Channel: "" } =>
            $"'channel' is required (one of {string.Join(", ", Channels)}), unless 'purpose' is stated for every channel.",
        { Channel: null } => Purposes.Contains(statement.Purpose) ? InvalidStatus(statement.Status)
            : $"'purpose' must be one of {string.Join(", ", Purposes)} (got '{statement.Purpose}').",
        _ when !Channels.Contains(statement.Channel) => $"'channel' must be one of {string.Join(", ", Channels)} (got '{statement.Channel}').",
        { Purpose: { } purpose } when !Purposes.Contains(purpose) => $"'purpose' must be one of {string.Join(", ", Purposes)}, or left out for the whole channel (got '{purpose}').",
        _ => InvalidStatus(statement.Status),
    };

    private static string? InvalidStatus(string? status) =>
        ConsentFacts.NormalizeStatus(status) is null || status is "true" or "false"
            ? $"'status' must be one of {string.Join(", ", ConsentFacts.Statuses)} (got '{status}')."
            : null;
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record ConsentStatement(string? Channel, string? Purpose, string? Status, DateTimeOffset? StatedAt = null);

internal sealed record AcceptedConsent(Guid CustomerId, string Fact, string Status, string Source, DateTimeOffset StatedAt, Guid TouchpointId);
