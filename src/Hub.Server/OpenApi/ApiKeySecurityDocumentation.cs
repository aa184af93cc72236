using Hub.Server.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Hub.Server.OpenApi;

/// <summary>
/// The API key in the OpenAPI document: the two ways to send it (<c>Authorization: Bearer &lt;key&gt;</c>, or HTTP Basic
/// with the key as the password) as security schemes, required on every operation behind an API key policy, with the scope the operation needs (also in its description and
/// in <c>x-hub-scope</c>).
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
            var scope = context.Description.ActionDescriptor.EndpointMetadata
                .OfType<IAuthorizeData>().Select(a => ApiKeyExtensions.ScopeOf(a.Policy)).LastOrDefault(s => s is not null);
            if (scope is not null)
            {
                // OpenAPI 3.1 lets a requirement of any scheme list the roles it needs; the scope is that role here.
                operation.Security =
                [
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [scope] },
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BasicScheme, context.Document)] = [scope] },
                ];
                var needs = $"Needs an API key with the scope `{scope}` (or one with no scopes listed).";
                operation.Description = string.IsNullOrEmpty(operation.Description) ? needs : $"{operation.Description}\n\n{needs}";
                operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
                operation.Extensions["x-hub-scope"] = new JsonNodeExtension(System.Text.Json.Nodes.JsonValue.Create(scope));
            }
            return Task.CompletedTask;
        });
        return options;
    }
}
