using System.Net;
using System.Text.RegularExpressions;
using Hub.Integration.Tests.Hosting;
using static Hub.Integration.Tests.Connectors.Salesforce.SalesforceHub;

namespace Hub.Integration.Tests.Configuration;

/// <summary>
/// A hub started from another folder than its own (the systemd unit runs <c>dotnet /opt/hub/Hub.Server.dll</c> in
/// <c>/var/lib/hub</c>) still reads the defaults shipped beside it, and the first-admin link it prints can be opened.
/// </summary>
public sealed partial class StartedElsewhereTests
{
    [Fact]
    public async Task The_shipped_log_levels_hold_and_the_setup_link_names_the_listening_address()
    {
        await using var embedded = await EmbeddedHub.StartAsync(new Dictionary<string, string> { ["Logging:LogLevel:Default"] = "Information" });
        var hub = embedded.Hub;
        Assert.False(File.Exists(Path.Combine(embedded.Directory, "appsettings.json")));

        // The link is printed once the server listens, which can be a moment after the hub first answers.
        await EventuallyAsync(() => hub.Output.Contains("/admin/setup?token=", StringComparison.Ordinal), "the setup link");
        var output = hub.Output;
        Assert.Contains("Now listening on", output, StringComparison.Ordinal);
        // appsettings.json puts EF Core at Warning; without it every SQL command of the start is logged at Information.
        Assert.DoesNotContain("Executed DbCommand", output, StringComparison.Ordinal);

        var link = SetupLink().Match(output);
        Assert.True(link.Success, $"No setup link with the hub's address in:\n{output}");
        Assert.Equal(hub.BaseAddress, new Uri(link.Groups["base"].Value + "/"));
        using var client = new HttpClient();
        using var form = await client.GetAsync(new Uri(link.Value));
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
    }

    [GeneratedRegex(@"(?<base>http://[0-9.:]+)/admin/setup\?token=[A-Za-z0-9_-]+")]
    private static partial Regex SetupLink();
}
