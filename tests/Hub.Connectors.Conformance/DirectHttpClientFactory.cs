using System.Net;
using System.Net.Sockets;

namespace Hub.Connectors.Conformance;

/// <summary>
/// Plain HTTP clients with real sockets and no redirects, standing in for the host's guarded outbound
/// client (whose SSRF guard refuses loopback unless configured to allow it).
/// </summary>
public sealed class DirectHttpClientFactory : IHttpClientFactory
{
    /// <inheritdoc />
    public HttpClient CreateClient(string name) => new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }, disposeHandler: true);

    /// <summary>A loopback URL where nothing listens: connections are refused.</summary>
    public static Uri UnreachableUrl()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}");
    }
}
