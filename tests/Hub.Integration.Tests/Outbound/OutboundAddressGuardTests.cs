using System.Net;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Hub.Integration.Tests.Outbound;

/// <summary>Outbound calls never reach internal addresses unless an operator allowed the network.</summary>
public sealed class OutboundAddressGuardTests : IDisposable
{
    private readonly WireMockServer _target = WireMockServer.Start();

    public OutboundAddressGuardTests() =>
        _target.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithBody("reached"));

    [Theory]
    [InlineData("http://127.0.0.1:{port}/hook")]
    [InlineData("http://[::1]:{port}/hook")]
    [InlineData("http://localhost:{port}/hook")]
    [InlineData("http://2130706433:{port}/hook")]
    [InlineData("http://0.0.0.0:{port}/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://10.20.30.40/hook")]
    [InlineData("http://[fe80::1]/hook")]
    [InlineData("http://[::ffff:127.0.0.1]:{port}/hook")]
    public async Task Internal_addresses_are_refused_when_not_allowed(string url)
    {
        var (client, services) = OutboundClient.Create(new() { ["Hub:Outbound:MaxRetryAttempts"] = "0" });
        using (services)
        {
            var exception = await Assert.ThrowsAnyAsync<Exception>(() => client.GetAsync(new Uri(url.Replace("{port}", _target.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal))));
            Assert.True(OutboundClient.WasRefusedAsInternal(exception), exception.ToString());
        }
        Assert.Empty(_target.LogEntries);
    }

    [Fact]
    public async Task An_allowed_network_is_reached()
    {
        var (client, services) = OutboundClient.Create(new() { ["Hub:Outbound:AllowedNetworks:0"] = "127.0.0.0/8" });
        using (services)
        {
            using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{_target.Port}/hook"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Single(_target.LogEntries);
    }

    [Fact]
    public async Task A_comma_separated_allow_list_from_an_environment_variable_is_understood()
    {
        var (client, services) = OutboundClient.Create(new() { ["Hub:Outbound:AllowedNetworks"] = "10.0.0.0/8, 127.0.0.1/32" });
        using (services)
        {
            using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{_target.Port}/hook"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task A_redirect_is_not_followed()
    {
        using var redirector = WireMockServer.Start();
        redirector.Given(Request.Create().UsingAnyMethod())
            .RespondWith(Response.Create().WithStatusCode(302).WithHeader("Location", $"http://127.0.0.1:{_target.Port}/hook"));
        var (client, services) = OutboundClient.Create(new() { ["Hub:Outbound:AllowedNetworks:0"] = "127.0.0.0/8" });
        using (services)
        {
            using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{redirector.Port}/start"));
            Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        }
        Assert.Single(redirector.LogEntries);
        Assert.Empty(_target.LogEntries);
    }

    public void Dispose() => _target.Dispose();
}
