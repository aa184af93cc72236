using System.Net;
using System.Text.Json;
using Hub.Connectors.Salesforce.Records;
using Hub.Contracts.Connectors;

namespace Hub.Connectors.Salesforce.Auth;

/// <summary>Asks the org's token endpoint for an access token (no refresh token exists in either flow).</summary>
internal sealed class TokenRequester(IHttpClientFactory httpClients, TimeProvider time)
{
    public async Task<SalesforceToken> RequestAsync(SalesforceOptions options, CancellationToken cancellationToken)
    {
        var credentials = options.Credentials ?? throw new SalesforceAuthenticationException("No credentials are configured (ClientId).");
        var (host, form) = credentials switch
        {
            ClientCredentials c => (options.InstanceUrl, new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = c.ClientId,
                ["client_secret"] = c.ClientSecret,
            }),
            JwtBearer j => (options.LoginUrl, new Dictionary<string, string>
            {
                ["grant_type"] = "urn:ietf:params:oauth:grant-type:jwt-bearer",
                ["assertion"] = JwtAssertion.Create(j, options.LoginUrl, time.GetUtcNow()),
            }),
            _ => throw new InvalidOperationException("Unknown credentials."),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host, "/services/oauth2/token"))
        {
            Content = new FormUrlEncodedContent(form),
        };
        using var response = await httpClients.CreateClient(HubHttpClients.Outbound).SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new SalesforceAuthenticationException($"The token endpoint refused the credentials: {Describe(body)}");
        }
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"The token endpoint answered {(int)response.StatusCode}.", null, response.StatusCode);
        }
        return Parse(body, options.InstanceUrl);
    }

    private static SalesforceToken Parse(string body, Uri fallbackInstanceUrl)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            var token = root.GetProperty("access_token").GetString() ?? throw new JsonException("access_token is null");
            var instanceUrl = root.TryGetProperty("instance_url", out var url) && Uri.TryCreate(url.GetString(), UriKind.Absolute, out var parsed)
                ? parsed : fallbackInstanceUrl;
            var userId = root.TryGetProperty("id", out var id) && id.GetString() is { } identity
                ? SalesforceId.Normalize(identity.TrimEnd('/').Split('/')[^1]) : null;
            return new SalesforceToken(token, instanceUrl, userId);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new HttpRequestException($"The token endpoint answered something that is not a token: {e.Message}");
        }
    }

    private static string Describe(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            var error = root.TryGetProperty("error", out var e) ? e.GetString() : null;
            var description = root.TryGetProperty("error_description", out var d) ? d.GetString() : null;
            return $"{error ?? "error"}: {description ?? "(no description)"}";
        }
        catch (JsonException)
        {
            return body.Length > 200 ? body[..200] : body;
        }
    }
}
