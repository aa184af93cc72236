using Hub.Infrastructure.Ingress;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;

namespace Hub.Server.RemoteConnectors.Gateway;

/// <summary>
/// The gateway takes webhook bodies up to <c>Hub:Ingress:MaxBodyBytes</c>, as the hub's own webhook endpoint does, and
/// answers a larger one 413 itself: forwarded, it would reach the connector, whose touchpoint the connector API then
/// refuses as too large, and the connector could only answer the source with an error it retries for ever.
/// </summary>
internal static class GatewayBodyLimit
{
    public static async Task ApplyAsync(HttpContext http, Func<Task> next)
    {
        var maxBytes = http.RequestServices.GetRequiredService<IngressOptions>().MaxBodyBytes;
        if (http.Request.ContentLength > maxBytes)
        {
            await TooLargeAsync(http, maxBytes);
            return;
        }
        // A body without a length (chunked) is cut off by Kestrel at the limit while the gateway copies it.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = maxBytes;
        }
        await next();
        // The gateway answers a body Kestrel cut off with a bare 413 (its error is the request body's, wrapped).
        if (http.Features.Get<IForwarderErrorFeature>() is { Error: ForwarderError.RequestBodyClient }
            && http.Response.StatusCode == StatusCodes.Status413PayloadTooLarge && !http.Response.HasStarted)
        {
            http.Response.Clear();
            await TooLargeAsync(http, maxBytes);
        }
    }

    private static Task TooLargeAsync(HttpContext http, long maxBytes) =>
        Results.Problem(
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "Webhook body is too large",
            detail: $"At most {maxBytes} bytes are accepted (Hub:Ingress:MaxBodyBytes).").ExecuteAsync(http);
}
