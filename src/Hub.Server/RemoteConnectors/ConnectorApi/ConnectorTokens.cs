using System.Security.Cryptography;
using System.Text;
using Hub.Contracts.Connectors;
using Hub.Infrastructure.Connectors;

namespace Hub.Server.RemoteConnectors.ConnectorApi;

/// <summary>
/// Finds the <c>remote</c> instance a connector API bearer token belongs to. Every instance's token is compared, in
/// constant time over SHA-256 digests (equal length whatever the token), so the answer's timing tells nothing about
/// which token nearly matched. A token that several instances share (configuration and saving refuse that) finds none:
/// which one is speaking cannot be told.
/// </summary>
internal sealed class ConnectorTokens(ConnectorInstances instances)
{
    public ConnectorInstance? Find(string? authorization)
    {
        const string scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(authorization[scheme.Length..].Trim()));
        ConnectorInstance? match = null;
        var matches = 0;
        foreach (var instance in instances.All.Where(i => string.Equals(i.Kind, RemoteConnector.Kind, StringComparison.OrdinalIgnoreCase)))
        {
            var expected = SHA256.HashData(Encoding.UTF8.GetBytes(instance.Settings.GetRequired(RemoteOptions.TokenName)));
            if (CryptographicOperations.FixedTimeEquals(presented, expected))
            {
                match = instance;
                matches++;
            }
        }
        return matches == 1 ? match : null;
    }
}
