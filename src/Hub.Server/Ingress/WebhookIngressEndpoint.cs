using Hub.Contracts.Connectors;
using Hub.Contracts.Touchpoints;
using Hub.Core.Identity;
using Hub.Infrastructure.Connectors;
using Hub.Infrastructure.Ingress;
using Hub.Infrastructure.Telemetry;
using Hub.Server.OpenApi;

namespace Hub.Server.Ingress;

/// <summary>
/// <c>POST /webhooks/{connectorInstanceId}</c> (and <c>GET</c>, for challenges and Twilio's GET webhooks): the instance's connector authenticates and parses the
/// request; the hub answers the source only once the touchpoints are durable, and 503 with Retry-After
/// when they cannot be made durable now, so the source retries.
/// </summary>
internal static partial class WebhookIngressEndpoint
{
    public static IEndpointRouteBuilder MapWebhookIngress(this IEndpointRouteBuilder app)
    {
        // GET too: some sources prove the endpoint with a challenge first (X's CRC check), and some can be set to send
        // their webhooks as GET (Twilio); the connector answers or reads it.
        app.MapGet("/webhooks/{connectorInstanceId}", HandleAsync)
            .WithName("AnswerWebhookChallenge")
            .WithSummary("Answers a source's challenge proving the webhook endpoint (X's CRC check), or takes a webhook sent as GET (Twilio set to HTTP GET), through the instance's connector.")
            .Produces(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);
        app.MapPost("/webhooks/{connectorInstanceId}", HandleAsync)
            .WithName("ReceiveWebhook")
            .WithSummary("Receives a webhook for one connector instance.")
            .DocumentsBody("application/json", "application/cloudevents+json", "application/cloudevents-batch+json", "application/x-www-form-urlencoded", "multipart/form-data", "text/xml")
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .Produces(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<IResult> HandleAsync(
        string connectorInstanceId,
        HttpContext http,
        ConnectorInstances instances,
        TouchpointNormalizer normalizer,
        ITouchpointIngress ingress,
        IngressOptions options,
        HubMetrics metrics,
        ILogger<IngressLog> logger,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (!instances.TryGet(connectorInstanceId, out var instance, out var connector) || connector is not IInboundWebhookHandler handler)
        {
            return Results.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Unknown connector instance",
                detail: $"No connector instance '{connectorInstanceId}' receives webhooks here.");
        }
        var body = await RequestBody.ReadAsync(http, options.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            metrics.TouchpointsReceived(instance.Id, instance.Kind, "rejected", 1);
            return Results.Problem(
                statusCode: StatusCodes.Status413PayloadTooLarge,
                title: "Webhook body is too large",
                detail: $"At most {options.MaxBodyBytes} bytes are accepted (Hub:Ingress:MaxBodyBytes).");
        }
        var receivedAt = time.GetUtcNow();
        var request = new InboundWebhookRequest
        {
            Method = http.Request.Method,
            Url = new Uri(Microsoft.AspNetCore.Http.Extensions.UriHelper.GetEncodedUrl(http.Request)),
            Headers = http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            ContentType = http.Request.ContentType,
            Body = body,
            ReceivedAt = receivedAt,
        };
        var result = await handler.HandleAsync(request, instance, cancellationToken);
        if (result.Rejection is { } rejection)
        {
            metrics.TouchpointsReceived(instance.Id, instance.Kind, "rejected", 1);
            LogRejected(logger, instance.Id, rejection.StatusCode, rejection.Title);
            if (rejection.Challenge is { } challenge)
            {
                http.Response.Headers.WWWAuthenticate = challenge;
            }
            return Results.Problem(statusCode: rejection.StatusCode, title: rejection.Title, detail: rejection.Detail);
        }
        // The connector may keep an over-long identity among the rejected ones (the normalizer does), but a touchpoint
        // whose own fields do not fit the store would fail after the source was told it is safe.
        for (var i = 0; i < result.Touchpoints.Count; i++)
        {
            if (TouchpointLimits.Exceeded(result.Touchpoints[i]) is { } tooLong)
            {
                metrics.TouchpointsReceived(instance.Id, instance.Kind, "rejected", 1);
                LogRejected(logger, instance.Id, StatusCodes.Status400BadRequest, "a value is longer than the hub stores");
                var which = result.Touchpoints.Count > 1 ? $"Touchpoint [{i}]: " : "";
                return Results.Problem(
                    statusCode: StatusCodes.Status400BadRequest,
                    title: "The webhook was not taken",
                    detail: $"{which}{tooLong} Nothing of this request was taken.");
            }
        }
        var region = instance.Settings.Get("DefaultRegion");
        var touchpoints = result.Touchpoints.Select(d => normalizer.Normalize(d, instance.Id, receivedAt, region)).ToList();
        try
        {
            if (result.SingleUse is { } token
                && !await http.RequestServices.GetRequiredService<WebhookTokens>().ClaimAsync(instance.Id, token, token.Content ?? body, cancellationToken))
            {
                metrics.TouchpointsReceived(instance.Id, instance.Kind, "rejected", 1);
                LogRejected(logger, instance.Id, StatusCodes.Status401Unauthorized, "single-use token reused");
                return Results.Problem(
                    statusCode: StatusCodes.Status401Unauthorized,
                    title: "Webhook token was already used",
                    detail: token.ReuseDetail ?? "This signed token came before with different content. A signed request is accepted once; a retry of the same request is fine.");
            }
            await ingress.AcceptAsync(touchpoints, cancellationToken);
        }
        catch (IngressUnavailableException) when (result.UnavailableResponse is { } unavailable)
        {
            metrics.TouchpointsReceived(instance.Id, instance.Kind, "unavailable", touchpoints.Count);
            return Results.Text(unavailable.Body, unavailable.ContentType, System.Text.Encoding.UTF8, unavailable.StatusCode);
        }
        catch (IngressUnavailableException e)
        {
            metrics.TouchpointsReceived(instance.Id, instance.Kind, "unavailable", touchpoints.Count);
            http.Response.Headers.RetryAfter = options.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The hub cannot take webhooks right now", detail: e.Message);
        }
        metrics.TouchpointsReceived(instance.Id, instance.Kind, "accepted", touchpoints.Count);
        foreach (var touchpoint in touchpoints)
        {
            LogAccepted(logger, touchpoint.TouchpointId, instance.Id, touchpoint.SourceEventId);
        }
        return Results.Text(result.Response.Body, result.Response.ContentType, System.Text.Encoding.UTF8, result.Response.StatusCode);
    }

    // Ids only: bodies and headers may hold personal data and secrets.
    [LoggerMessage(Level = LogLevel.Information, Message = "Touchpoint {TouchpointId} of {ConnectorInstanceId} accepted (source event {SourceEventId})")]
    private static partial void LogAccepted(ILogger logger, Guid touchpointId, string connectorInstanceId, string sourceEventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook for {ConnectorInstanceId} rejected with {StatusCode}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string connectorInstanceId, int statusCode, string reason);

    /// <summary>The log category of the webhook ingress.</summary>
    internal sealed class IngressLog;
}
