using Hub.Server.Admin.Accounts;

namespace Hub.Ui.Tests;

/// <summary>The first-admin link printed at start opens in a browser, whatever address the server listens on.</summary>
public sealed class SetupLinkTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5077", "http://127.0.0.1:5077")]
    [InlineData("http://localhost:5000", "http://localhost:5000")]
    [InlineData("http://[::]:8080", "http://localhost:8080")]
    [InlineData("http://0.0.0.0:8080", "http://localhost:8080")]
    [InlineData("https://hub.example.com:443", "https://hub.example.com")]
    [InlineData(null, "<hub url>")]
    public void The_link_starts_with_an_address_a_browser_can_open(string? listening, string expected) =>
        Assert.Equal(expected, FirstAdmin.LinkBase(listening));
}
