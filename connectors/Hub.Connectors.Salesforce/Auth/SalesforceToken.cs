namespace Hub.Connectors.Salesforce.Auth;

/// <summary>An access token, the API base it is valid for, and the user it acts as.</summary>
/// <param name="AccessToken">The bearer token.</param>
/// <param name="InstanceUrl">The base URL of every API call made with it.</param>
/// <param name="UserId">The 18-character id of the integration user, from the identity URL; null if absent.</param>
internal sealed record SalesforceToken(string AccessToken, Uri InstanceUrl, string? UserId);

/// <summary>The token endpoint refused the credentials: only the admin can fix that.</summary>
internal sealed class SalesforceAuthenticationException(string message) : Exception(message);
