using System.Net;
using System.Text.RegularExpressions;
using Hub.Testing.Servers;

namespace Hub.Integration.Tests.Hosting;

/// <summary>
/// The admin UI's forms as a browser posts them (cookie, antiforgery token), without a browser: for tests that change
/// the hub through the admin path and then look at something else (a restart, the sync).
/// </summary>
public sealed partial class AdminForms : IDisposable
{
    public const string Email = "admin@example.com";
    public const string Password = "correct horse battery staple";

    private readonly HttpClient _client;

    private AdminForms(HubProcess hub)
    {
        _client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
        {
            BaseAddress = hub.BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    /// <summary>The settings that make the first admin account at the hub's first start.</summary>
    public static IReadOnlyDictionary<string, string> FirstAdminSettings { get; } = new Dictionary<string, string>
    {
        ["Hub:Admin:Email"] = Email,
        ["Hub:Admin:Password"] = Password,
    };

    public static async Task<AdminForms> SignInAsync(HubProcess hub)
    {
        var forms = new AdminForms(hub);
        try
        {
            using var response = await forms.PostAsync("/admin/signin", new Dictionary<string, string> { ["email"] = Email, ["password"] = Password });
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            return forms;
        }
        catch
        {
            forms.Dispose();
            throw;
        }
    }

    /// <summary>Adds a connector instance in /admin/connectors (enabled), as the form's Save does.</summary>
    public Task AddConnectorAsync(string id, string kind, IReadOnlyDictionary<string, string> options) => SaveConnectorAsync(id, kind, options, existing: false);

    /// <summary>Saves a stored instance's settings in /admin/connectors (enabled), as the form's Save does; secrets typed again.</summary>
    public Task EditConnectorAsync(string id, string kind, IReadOnlyDictionary<string, string> options) => SaveConnectorAsync(id, kind, options, existing: true);

    private async Task SaveConnectorAsync(string id, string kind, IReadOnlyDictionary<string, string> options, bool existing)
    {
        var fields = new Dictionary<string, string> { ["kind"] = kind, ["existing"] = existing ? "true" : "false", ["instanceId"] = id, ["enabled"] = "true" };
        foreach (var (name, value) in options)
        {
            fields["o." + name] = value;
        }
        using var response = await PostAsync($"/admin/connectors/edit?kind={kind}", fields, "/admin/connectors/edit?handler=Save");
        var page = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK && page.Contains("Saved.", StringComparison.Ordinal),
            $"Saving connector instance {id} answered {(int)response.StatusCode}:{Environment.NewLine}{page}");
    }

    public void Dispose() => _client.Dispose();

    /// <summary>Posts <paramref name="fields"/> with the antiforgery token of the form at <paramref name="formPath"/> to <paramref name="action"/> (default: the form's path).</summary>
    private async Task<HttpResponseMessage> PostAsync(string formPath, Dictionary<string, string> fields, string? action = null)
    {
        var form = await _client.GetStringAsync(new Uri(formPath, UriKind.Relative));
        fields["__RequestVerificationToken"] = AntiforgeryToken().Match(form).Groups[1].Value;
        return await _client.PostAsync(new Uri(action ?? formPath, UriKind.Relative), new FormUrlEncodedContent(fields));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
