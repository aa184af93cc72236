using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Hub.Server.RemoteConnectors.Gateway;

/// <summary>
/// What the gateway changes on the way through. A remote connector answers on the hub's own origin, where the admin UI
/// lives, so nothing it says may act there: the hub's cookies (the admin session among them) never reach it, it cannot
/// set cookies, and whatever it answers is served sandboxed (an opaque origin without scripts) and not content-sniffed.
/// Sources do not use cookies; their <c>Authorization</c> and signature headers pass unchanged.
/// </summary>
internal static class GatewayTransforms
{
    public const string ContentSecurityPolicy = "sandbox";

    public static void Apply(TransformBuilderContext context)
    {
        context.AddRequestHeaderRemove(HeaderNames.Cookie);
        context.AddResponseHeaderRemove(HeaderNames.SetCookie, ResponseCondition.Always);
        context.AddResponseHeader(HeaderNames.ContentSecurityPolicy, ContentSecurityPolicy, append: false, ResponseCondition.Always);
        context.AddResponseHeader(HeaderNames.XContentTypeOptions, "nosniff", append: false, ResponseCondition.Always);
    }
}
