using Microsoft.OpenApi;

namespace Hub.Server.OpenApi;

/// <summary>
/// Names an endpoint's request body types in the OpenAPI document only. <c>Accepts</c> would also make routing answer
/// other types with a bare 415 before the handler runs, and the handler's own 415 says what to send instead.
/// </summary>
internal static class RequestBodyDocumentation
{
    public static RouteHandlerBuilder DocumentsBody(this RouteHandlerBuilder builder, params string[] mediaTypes) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = mediaTypes.ToDictionary(type => type, _ => new OpenApiMediaType()),
            };
            return Task.CompletedTask;
        });
}
