using Hub.Server.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Hub.Server.OpenApi;

/// <summary>
/// The API key in the OpenAPI document: the two ways to send it (<c>Authorization: Bearer &lt;key&gt;</c>, or HTTP Basic
/// with the key as the password) as security schemes, required on every operation behind the API key policy.
/// </summary>
internal static class ApiKeySecurityDocumentation
{
    private const string BearerScheme = "apiKeyBearer";
    private const string BasicScheme = "apiKeyBasic";

    public static OpenApiOptions AddApiKeySecurity(this OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API key (Hub:ApiKeys:<name>) as 'Authorization: Bearer <key>'.",
            };
            document.Components.SecuritySchemes[BasicScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "basic",
                Description = "An API key as the password of HTTP Basic (any user name), for clients that only send URL credentials.",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var requiresApiKey = context.Description.ActionDescriptor.EndpointMetadata
                .OfType<IAuthorizeData>().Any(a => a.Policy == ApiKeyExtensions.ApiPolicy);
            if (requiresApiKey)
            {
                operation.Security =
                [
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] },
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BasicScheme, context.Document)] = [] },
                ];
            }
            return Task.CompletedTask;
        });
        return options;
    }
}
