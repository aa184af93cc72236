namespace Hub.Connectors.Twilio.Signing;

/// <summary>
/// The URLs Twilio may have signed for a request the hub received: the public base URL in place of the
/// received scheme, host and port (behind a proxy), each as given, with the default port added, and with
/// its port removed, as Twilio's own validators try them, and with <c>'</c> escaped as <c>%27</c> (as a
/// WHATWG URL parser writes it, so Twilio may have signed it that way). String surgery, not <see cref="Uri"/>: Twilio signs
/// the URL text as configured, host case and percent-encoding included.
/// </summary>
internal static class SignedUrls
{
    public static IReadOnlyList<string> For(string receivedUrl, Uri? publicBaseUrl)
    {
        var url = publicBaseUrl is null ? receivedUrl : Rebase(receivedUrl, publicBaseUrl);
        var variants = PortVariants(url);
        if (url.Contains('\'', StringComparison.Ordinal))
        {
            variants.AddRange(PortVariants(url.Replace("'", "%27", StringComparison.Ordinal)));
        }
        return variants;
    }

    private static List<string> PortVariants(string url)
    {
        var variants = new List<string> { url };
        if (Split(url) is not { } parts)
        {
            return variants;
        }
        var (scheme, authority, rest) = parts;
        var hostStart = authority.LastIndexOf('@') + 1;
        var colon = authority.LastIndexOf(':');
        var hasPort = colon > hostStart && !authority.EndsWith(']');
        if (hasPort)
        {
            variants.Add($"{scheme}://{authority[..colon]}{rest}");
        }
        else if (DefaultPort(scheme) is { } port)
        {
            variants.Add($"{scheme}://{authority}:{port}{rest}");
        }
        return variants;
    }

    /// <summary>The public base URL followed by the received path and query.</summary>
    private static string Rebase(string receivedUrl, Uri publicBaseUrl)
    {
        var pathAndQuery = Split(receivedUrl) is { } parts ? parts.Tail : "/";
        var baseText = publicBaseUrl.OriginalString.TrimEnd('/');
        return baseText + (pathAndQuery.StartsWith('/') ? pathAndQuery : "/" + pathAndQuery);
    }

    private static (string Scheme, string Authority, string Tail)? Split(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            return null;
        }
        var authorityStart = schemeEnd + 3;
        var authorityEnd = url.IndexOfAny(['/', '?', '#'], authorityStart);
        if (authorityEnd < 0)
        {
            authorityEnd = url.Length;
        }
        return (url[..schemeEnd], url[authorityStart..authorityEnd], url[authorityEnd..]);
    }

    private static string? DefaultPort(string scheme) => scheme.ToLowerInvariant() switch
    {
        "https" => "443",
        "http" => "80",
        _ => null,
    };
}
