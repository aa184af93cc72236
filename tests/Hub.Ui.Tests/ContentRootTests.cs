using Hub.Server.Hosting;

namespace Hub.Ui.Tests;

/// <summary>When the hub takes its own folder as the content root, and when it leaves ASP.NET Core's choice alone.</summary>
public sealed class ContentRootTests : IDisposable
{
    private readonly string _working = Directory.CreateTempSubdirectory("hub-working-").FullName;
    private readonly string _app = Directory.CreateTempSubdirectory("hub-app-").FullName;

    public ContentRootTests() => File.WriteAllText(Path.Combine(_app, "appsettings.json"), "{}");

    [Fact]
    public void A_working_directory_without_settings_gives_the_hubs_own_folder() =>
        Assert.Equal(_app, ContentRoot.Choose([], _working, _app, NoEnvironment));

    [Fact]
    public void A_working_directory_with_its_own_settings_keeps_them()
    {
        File.WriteAllText(Path.Combine(_working, "appsettings.json"), "{}");
        Assert.Null(ContentRoot.Choose([], _working, _app, NoEnvironment));
    }

    [Theory]
    [InlineData("--contentRoot=/srv/hub")]
    [InlineData("--contentroot")]
    public void A_content_root_on_the_command_line_wins(string argument) =>
        Assert.Null(ContentRoot.Choose([argument, "/srv/hub"], _working, _app, NoEnvironment));

    [Theory]
    [InlineData("ASPNETCORE_CONTENTROOT")]
    [InlineData("DOTNET_CONTENTROOT")]
    public void A_content_root_in_the_environment_wins(string variable) =>
        Assert.Null(ContentRoot.Choose([], _working, _app, name => name == variable ? "/srv/hub" : null));

    [Fact]
    public void A_hub_folder_without_settings_changes_nothing()
    {
        File.Delete(Path.Combine(_app, "appsettings.json"));
        Assert.Null(ContentRoot.Choose([], _working, _app, NoEnvironment));
    }

    public void Dispose()
    {
        Directory.Delete(_working, recursive: true);
        Directory.Delete(_app, recursive: true);
    }

    private static string? NoEnvironment(string name) => null;
}
