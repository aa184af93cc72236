using Hub.Contracts.Touchpoints;
using Hub.Core.Identity;
using Hub.Infrastructure.Ingress;
using Hub.Server.Ingress;
using Hub.Server.OpenApi;

namespace Hub.Server.RemoteConnectors.ConnectorApi;

/// <summary>
/// <c>POST /connector-api/v1/touchpoints</c>: a remote connector hands over the touchpoints it made of a webhook, as a
/// CloudEvents batch, with its instance's bearer token. The same promise as the in-process ingress: the whole batch is
/// durable before the 2xx, nothing of a bad batch is taken, and 503 + Retry-After when the hub cannot take it now.
/// Re-sending an event (same source and id) changes nothing.
/// </summary>
internal static class PostTouchpoints
{
    public const string Path = "/connector-api/v1/touchpoints";
    public const string BatchMediaType = "application/cloudevents-batch+json";

    public static IEndpointRouteBuilder MapConnectorApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, HandleAsync)
            .WithName("PostConnectorTouchpoints")
            .WithTags("Connector API")
            .WithSummary("Takes a CloudEvents batch of touchpoints from a remote connector.")
            .DocumentsBody(BatchMediaType)
            .Produces(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<IResult> HandleAsync(
        HttpContext http,
        ConnectorTokens tokens,
        TouchpointNormalizer normalizer,
        ITouchpointIngress ingress,
        IngressOptions options,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (tokens.Find(http.Request.Headers.Authorization.ToString()) is not { } instance)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Results.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Connector token missing or unknown",
                detail: "Send 'Authorization: Bearer <token>' with the Token of a remote connector instance.");
        }
        var mediaType = http.Request.ContentType?.Split(';')[0].Trim();
        if (!string.Equals(mediaType, BatchMediaType, StringComparison.OrdinalIgnoreCase))
        {
            return Results.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Send a CloudEvents batch",
                detail: $"Content-Type must be {BatchMediaType} (got '{http.Request.ContentType}').");
        }
        var body = await RequestBody.ReadAsync(http, options.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Results.Problem(
                statusCode: StatusCodes.Status413PayloadTooLarge,
                title: "Batch is too large",
                detail: $"At most {options.MaxBodyBytes} bytes are accepted (Hub:Ingress:MaxBodyBytes).");
        }
        var receivedAt = time.GetUtcNow();
        var (drafts, problem) = TouchpointBatchReader.Read(body, receivedAt);
        if (problem is not null)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The batch was not taken", detail: problem + " Nothing of this batch was taken.");
        }
        for (var i = 0; i < drafts.Count; i++)
        {
            if ((TouchpointLimits.Exceeded(drafts[i], "data.") ?? TouchpointLimits.IdentityExceeded(drafts[i], "data.")) is { } tooLong)
            {
                return Results.Problem(
                    statusCode: StatusCodes.Status400BadRequest, title: "The batch was not taken", detail: $"event [{i}]: {tooLong} Nothing of this batch was taken.");
            }
        }
        var region = instance.Settings.Get(RemoteOptions.DefaultRegionName);
        var touchpoints = drafts.Select(d => normalizer.Normalize(d, instance.Id, receivedAt, region)).ToList();
        try
        {
            await ingress.AcceptAsync(touchpoints, cancellationToken);
        }
        catch (IngressUnavailableException e)
        {
            http.Response.Headers.RetryAfter = options.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The hub cannot take touchpoints right now", detail: e.Message);
        }
        // A touchpoint is taken without the identities the hub cannot use (it shows them on the timeline); the
        // connector's developer learns of them here rather than from a customer who never appears.
        var rejected = touchpoints.SelectMany((t, i) => t.RejectedIdentities.Select(r => new
        {
            @event = i,
            type = r.Identifier.Type,
            value = r.Identifier.Value,
            reason = r.Reason,
        }));
        return Results.Json(
            new { accepted = touchpoints.Count, touchpointIds = touchpoints.Select(t => t.TouchpointId), rejectedIdentities = rejected },
            statusCode: StatusCodes.Status202Accepted);
    }
}
