using System.Security.Cryptography;
using Hub.Contracts.Connectors;

namespace Hub.Connectors.Salesforce.Auth;

/// <summary>How the hub gets a token: OAuth 2.0 client credentials, or the JWT bearer flow.</summary>
internal abstract record SalesforceCredentials(string ClientId)
{
    /// <summary>Everything that makes a token: a token fetched with other values must not be reused.</summary>
    public abstract string Fingerprint { get; }

    public static IReadOnlyList<string> Problems(ConnectorSettings settings)
    {
        var clientId = settings.Get(SalesforceOptions.ClientIdName);
        var secret = settings.Get(SalesforceOptions.ClientSecretName);
        var username = settings.Get(SalesforceOptions.UsernameName);
        var key = settings.Get(SalesforceOptions.PrivateKeyName);
        if (clientId is null)
        {
            return secret is null && username is null && key is null
                ? []
                : [$"'{SalesforceOptions.ClientIdName}' is required with '{SalesforceOptions.ClientSecretName}', '{SalesforceOptions.UsernameName}' or '{SalesforceOptions.PrivateKeyName}'."];
        }
        if (secret is not null && (username is not null || key is not null))
        {
            return [$"'{SalesforceOptions.ClientSecretName}' (client credentials) and '{SalesforceOptions.UsernameName}' + '{SalesforceOptions.PrivateKeyName}' (JWT bearer) exclude each other: configure one flow."];
        }
        if (secret is not null)
        {
            return [];
        }
        if (username is null || key is null)
        {
            return [$"'{SalesforceOptions.ClientIdName}' needs '{SalesforceOptions.ClientSecretName}' (client credentials) or both '{SalesforceOptions.UsernameName}' and '{SalesforceOptions.PrivateKeyName}' (JWT bearer)."];
        }
        return JwtBearer.TryLoadKey(key, out var rsa) ? Dispose(rsa) : [$"'{SalesforceOptions.PrivateKeyName}' must be an RSA private key in PEM form (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)."];
    }

    public static SalesforceCredentials? From(ConnectorSettings settings)
    {
        if (settings.Get(SalesforceOptions.ClientIdName) is not { } clientId)
        {
            return null;
        }
        return settings.Get(SalesforceOptions.ClientSecretName) is { } secret
            ? new ClientCredentials(clientId, secret)
            : new JwtBearer(clientId, settings.GetRequired(SalesforceOptions.UsernameName), settings.GetRequired(SalesforceOptions.PrivateKeyName));
    }

    private static IReadOnlyList<string> Dispose(RSA rsa)
    {
        rsa.Dispose();
        return [];
    }
}

/// <summary>The client credentials flow: the token acts as the connected app's run-as user.</summary>
internal sealed record ClientCredentials(string ClientId, string ClientSecret) : SalesforceCredentials(ClientId)
{
    public override string Fingerprint => $"client_credentials\n{ClientId}\n{ClientSecret}";

    public override string ToString() => $"client credentials of {ClientId}";
}

/// <summary>The JWT bearer flow: an RS256 assertion for the integration user, signed with the app's key.</summary>
internal sealed record JwtBearer(string ClientId, string Username, string PrivateKeyPem) : SalesforceCredentials(ClientId)
{
    public override string Fingerprint => $"jwt\n{ClientId}\n{Username}\n{PrivateKeyPem}";

    public override string ToString() => $"JWT bearer of {Username} for {ClientId}";

    /// <summary>Environment variables often carry the PEM with literal \n.</summary>
    public static bool TryLoadKey(string pem, out RSA rsa)
    {
        rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem.Replace("\\n", "\n", StringComparison.Ordinal));
            return true;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            return false;
        }
    }
}
