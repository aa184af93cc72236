using Hub.Contracts.Connectors;
using Hub.Core.Identity;
using Hub.Infrastructure.Connectors;
using Hub.Infrastructure.Ingress;
using Microsoft.AspNetCore.Http.Features;

namespace Hub.Server.Ingress;

/// <summary>
/// <c>POST /webhooks/{connectorInstanceId}</c> (and <c>GET</c>, for challenges): the instance's connector authenticates and parses the
/// request; the hub answers the source only once the touchpoints are durable, and 503 with Retry-After
/// when they cannot be made durable now, so the source retries.
/// </summary>
internal static class WebhookIngressEndpoint
{
    public static IEndpointRouteBuilder MapWebhookIngress(this IEndpointRouteBuilder app)
    {
        // GET too: some sources prove the endpoint with a challenge first (X's CRC check); the connector answers it.
        app.MapMethods("/webhooks/{connectorInstanceId}", [HttpMethods.Post, HttpMethods.Get], HandleAsync)
            .WithName("ReceiveWebhook")
            .WithSummary("Receives a webhook for one connector instance.")
            .Accepts<byte[]>("application/json", "application/cloudevents+json", "application/x-www-form-urlencoded", "multipart/form-data", "text/xml")
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
        var body = await ReadBodyAsync(http, options.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
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
            return Results.Problem(statusCode: rejection.StatusCode, title: rejection.Title, detail: rejection.Detail);
        }
        var region = instance.Settings.Get("DefaultRegion");
        var touchpoints = result.Touchpoints.Select(d => normalizer.Normalize(d, instance.Id, receivedAt, region)).ToList();
        try
        {
            await ingress.AcceptAsync(touchpoints, cancellationToken);
        }
        catch (IngressUnavailableException) when (result.UnavailableResponse is { } unavailable)
        {
            return Results.Text(unavailable.Body, unavailable.ContentType, System.Text.Encoding.UTF8, unavailable.StatusCode);
        }
        catch (IngressUnavailableException e)
        {
            http.Response.Headers.RetryAfter = options.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The hub cannot take webhooks right now", detail: e.Message);
        }
        return Results.Text(result.Response.Body, result.Response.ContentType, System.Text.Encoding.UTF8, result.Response.StatusCode);
    }

    /// <summary>The whole body, or null when it is larger than the limit.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpContext http, long maxBytes, CancellationToken cancellationToken)
    {
        if (http.Request.ContentLength > maxBytes)
        {
            return null;
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = maxBytes + 1;
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        try
        {
            while ((read = await http.Request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return null;
                }
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
        return buffer.ToArray();
    }
}
