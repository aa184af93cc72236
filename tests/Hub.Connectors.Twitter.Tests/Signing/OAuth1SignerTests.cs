using System.Text.Json;
using Hub.Connectors.Twitter.Signing;
using static Hub.Connectors.Twitter.Tests.TwitterTestKit;

namespace Hub.Connectors.Twitter.Tests.Signing;

/// <summary>The OAuth 1.0a vectors of signature-vectors.json: X's documented example, autohook's, and the v2 calls the hub makes.</summary>
public sealed class OAuth1SignerTests
{
    private static readonly Lazy<JsonElement> Vectors = new(() => JsonDocument.Parse(Sample("signature-vectors.json")).RootElement.GetProperty("oauth1").Clone());

    public static TheoryData<string> Ids() => [.. Vectors.Value.EnumerateArray().Select(v => v.GetProperty("id").GetString()!)];

    [Theory]
    [MemberData(nameof(Ids))]
    public void Base_string_signature_and_header_match_the_vector(string id)
    {
        var vector = Vectors.Value.EnumerateArray().Single(v => v.GetProperty("id").GetString() == id);
        var query = Pairs(vector, "query_params");
        var url = new Uri(vector.GetProperty("base_url").GetString() + (query.Count == 0 ? "" : "?" + string.Join("&", query.Select(p => $"{OAuth1Signer.Encode(p.Key)}={OAuth1Signer.Encode(p.Value)}"))));
        var form = Pairs(vector, "form_body_params");
        var oauth = Pairs(vector, "oauth_params").ToDictionary();
        var credentials = new OAuth1Credentials(oauth["oauth_consumer_key"], vector.GetProperty("consumer_secret").GetString()!, oauth["oauth_token"], vector.GetProperty("token_secret").GetString()!);
        var method = vector.GetProperty("method").GetString()!;

        var baseString = OAuth1Signer.BaseString(method, url, [.. query, .. form, .. oauth]);
        var header = OAuth1Signer.Authorization(method, url, form, credentials, oauth["oauth_nonce"], long.Parse(oauth["oauth_timestamp"], System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(vector.GetProperty("expected_signature_base_string").GetString(), baseString);
        Assert.Equal(vector.GetProperty("expected_signature").GetString(), OAuth1Signer.Signature(baseString, credentials.ConsumerSecret, credentials.AccessTokenSecret));
        Assert.Equal(vector.GetProperty("expected_authorization_header").GetString(), header);
    }

    private static List<KeyValuePair<string, string>> Pairs(JsonElement vector, string name) =>
        [.. vector.GetProperty(name).EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value.GetString()!))];
}
