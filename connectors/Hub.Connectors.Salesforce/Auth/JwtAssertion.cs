using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Hub.Connectors.Salesforce.Auth;

/// <summary>The RS256 JWT of the bearer flow: iss = consumer key, sub = username, aud = login URL, exp within 3 minutes.</summary>
internal static class JwtAssertion
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(3);

    public static string Create(JwtBearer credentials, Uri loginUrl, DateTimeOffset now)
    {
        var header = Encode(JsonSerializer.SerializeToUtf8Bytes(new { alg = "RS256" }));
        var claims = Encode(JsonSerializer.SerializeToUtf8Bytes(new
        {
            iss = credentials.ClientId,
            sub = credentials.Username,
            aud = loginUrl.GetLeftPart(UriPartial.Authority),
            exp = (now + Lifetime).ToUnixTimeSeconds(),
        }));
        var signingInput = $"{header}.{claims}";
        if (!JwtBearer.TryLoadKey(credentials.PrivateKeyPem, out var rsa))
        {
            throw new SalesforceAuthenticationException("The private key is not an RSA key in PEM form.");
        }
        using (rsa)
        {
            var signature = rsa.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            return $"{signingInput}.{Encode(signature)}";
        }
    }

    private static string Encode(byte[] bytes) => Base64Url.EncodeToString(bytes);
}
