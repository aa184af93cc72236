using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Ui.Tests;

/// <summary>
/// The hub reads its configuration files once: a file watcher on the content root would also see every write to the
/// embedded database under <c>data/</c> (docs/configuration.md).
/// </summary>
public sealed class HostConfigurationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hub-config-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void The_configuration_files_are_read_at_start_and_not_watched()
    {
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
            b.UseSetting("Hub:Database:ConnectionString", $"Data Source={Path.Combine(_directory, "hub.db")}"));
        var configuration = (IConfigurationRoot)factory.Services.GetRequiredService<IConfiguration>();

        var files = configuration.Providers.OfType<JsonConfigurationProvider>().ToList();

        Assert.Contains(files, f => f.Source.Path == "appsettings.json");
        Assert.All(files, f => Assert.False(f.Source.ReloadOnChange, $"{f.Source.Path} is watched"));
    }
}
