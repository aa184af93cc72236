namespace Hub.Server.Hosting;

/// <summary>
/// Where the hub reads <c>appsettings.json</c> from. ASP.NET Core takes the working directory, so a hub started
/// from elsewhere (<c>dotnet /opt/hub/Hub.Server.dll</c> in <c>/var/lib/hub</c>, as the systemd unit does) would
/// run without its shipped defaults (every EF Core command logged at Information, for one). Then the
/// folder of the hub's own assembly is the content root. Data paths stay relative to the working directory.
/// </summary>
internal static class ContentRoot
{
    private const string SettingsFile = "appsettings.json";

    /// <summary>The content root to use, or null to keep ASP.NET Core's choice (also whenever one was set explicitly).</summary>
    public static string? Choose(IReadOnlyList<string> args, string workingDirectory, string appDirectory, Func<string, string?> environment)
    {
        var setExplicitly = args.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase)
                || a.StartsWith("/contentRoot", StringComparison.OrdinalIgnoreCase))
            || !string.IsNullOrEmpty(environment("ASPNETCORE_CONTENTROOT"))
            || !string.IsNullOrEmpty(environment("DOTNET_CONTENTROOT"));
        if (setExplicitly || File.Exists(Path.Combine(workingDirectory, SettingsFile)) || !File.Exists(Path.Combine(appDirectory, SettingsFile)))
        {
            return null;
        }
        return appDirectory;
    }
}
