using Hub.Infrastructure.Configuration;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Hub.Ui.Tests;

/// <summary>A configured API key that anyone could guess (short, or the shipped placeholder) stops the start, naming the key.</summary>
public sealed class ApiKeyConfigurationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hub-apikeys-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("change-me-to-32-random-characters", "Hub:ApiKeys:admin is still the example's placeholder")]
    [InlineData("CHANGE-ME", "Hub:ApiKeys:admin is still the example's placeholder")]
    [InlineData("only-23-characters-long", "Hub:ApiKeys:admin is 23 characters long; an API key needs at least 24")]
    public void A_guessable_key_is_refused_at_start(string key, string expected)
    {
        using var factory = Hub(key);

        var failure = Assert.Throws<HubConfigurationException>(() => factory.Server);

        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_of_24_characters_starts()
    {
        using var factory = Hub("exactly-24-characters-ok");

        Assert.NotNull(factory.Server);
    }

    private WebApplicationFactory<Program> Hub(string key) => new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
    {
        b.UseSetting("Hub:Database:ConnectionString", $"Data Source={Path.Combine(_directory, "hub.db")}");
        b.UseSetting("Hub:ApiKeys:admin", key);
    });
}
