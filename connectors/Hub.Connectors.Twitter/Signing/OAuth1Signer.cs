using System.Security.Cryptography;
using System.Text;

namespace Hub.Connectors.Twitter.Signing;

/// <summary>
/// OAuth 1.0a HMAC-SHA1 request signing, as X documents it: the base string is the method, the URL without its
/// query, and every query, form and <c>oauth_*</c> parameter percent-encoded (RFC 3986) and sorted; the key is the
/// consumer secret and token secret joined by '&amp;'. A JSON body is not signed.
/// </summary>
internal static class OAuth1Signer
{
    /// <summary>Signs a request without form parameters (X's v2 API sends JSON) as the account, with a fresh nonce.</summary>
    public static void Sign(HttpRequestMessage request, OAuth1Credentials credentials, TimeProvider time) =>
        request.Headers.TryAddWithoutValidation("Authorization", Authorization(
            request.Method.Method, request.RequestUri!, [], credentials,
            Convert.ToHexString(RandomNumberGenerator.GetBytes(16)), time.GetUtcNow().ToUnixTimeSeconds()));

    public static string Authorization(
        string method, Uri url, IEnumerable<KeyValuePair<string, string>> formParameters, OAuth1Credentials credentials, string nonce, long timestamp)
    {
        var oauth = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["oauth_consumer_key"] = credentials.ConsumerKey,
            ["oauth_nonce"] = nonce,
            ["oauth_signature_method"] = "HMAC-SHA1",
            ["oauth_timestamp"] = timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["oauth_token"] = credentials.AccessToken,
            ["oauth_version"] = "1.0",
        };
        var signature = Signature(BaseString(method, url, [.. QueryParameters(url), .. formParameters, .. oauth]), credentials.ConsumerSecret, credentials.AccessTokenSecret);
        oauth["oauth_signature"] = signature;
        return "OAuth " + string.Join(", ", oauth.Select(p => $"{Encode(p.Key)}=\"{Encode(p.Value)}\""));
    }

    public static string BaseString(string method, Uri url, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var parameterString = string.Join("&", parameters
            .Select(p => (Key: Encode(p.Key), Value: Encode(p.Value)))
            .OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => $"{p.Key}={p.Value}"));
        var baseUrl = url.GetLeftPart(UriPartial.Path);
        return $"{method.ToUpperInvariant()}&{Encode(baseUrl)}&{Encode(parameterString)}";
    }

    public static string Signature(string baseString, string consumerSecret, string tokenSecret) =>
        Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes($"{Encode(consumerSecret)}&{Encode(tokenSecret)}"), Encoding.UTF8.GetBytes(baseString)));

    /// <summary>RFC 3986 percent-encoding: everything but A-Z a-z 0-9 - . _ ~, in upper-case hex.</summary>
    public static string Encode(string value) => Uri.EscapeDataString(value);

    private static IEnumerable<KeyValuePair<string, string>> QueryParameters(Uri url) =>
        url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Select(p => KeyValuePair.Create(Uri.UnescapeDataString(p[0]), Uri.UnescapeDataString(p.Length > 1 ? p[1] : "")));
}

/// <summary>The app's consumer key and secret and the account's access token and secret.</summary>
internal sealed record OAuth1Credentials(string ConsumerKey, string ConsumerSecret, string AccessToken, string AccessTokenSecret);
