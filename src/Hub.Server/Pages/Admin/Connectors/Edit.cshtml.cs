using Hub.Contracts.Connectors;
using Hub.Infrastructure.Connectors;
using Hub.Infrastructure.Persistence;
using Hub.Server.Admin.Connectors;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Hub.Server.Pages.Admin.Connectors;

/// <summary>
/// Add or edit a connector instance stored in the database. The form comes from the connector's descriptor and is checked
/// by the same validator as configuration; secrets are write-only (an empty secret field keeps the stored one, unless
/// a setting that decides where the hub connects changed, or the stored one cannot be decrypted: then the secret must be
/// entered again).
/// </summary>
public sealed class EditModel(ConnectorInstances instances, StoredConnectorInstances stored) : PageModel
{
    private Dictionary<string, string?> _values = new(StringComparer.OrdinalIgnoreCase);
    private HashSet<string> _storedSecrets = new(StringComparer.OrdinalIgnoreCase);
    private HashSet<string> _undecryptableSecrets = new(StringComparer.OrdinalIgnoreCase);
    private StoredConnectorInstanceRow? _row;

    public string? Id { get; private set; }

    public bool IsNew { get; private set; } = true;

    public ConnectorDescriptor Descriptor { get; private set; } = null!;

    public bool Enabled { get; private set; } = true;

    public bool Saved { get; private set; }

    public IReadOnlyList<string> Problems { get; private set; } = [];

    public IReadOnlyList<(string Name, string Value)> EnteredSecrets { get; private set; } = [];

    public ConnectionTestResult? TestResult { get; private set; }

    public bool ReceivesWebhooks => instances.Connectors.TryGetValue(Descriptor.Kind, out var c) && WebhookUrls.AreReceivedBy(c);

    public bool CanTest => instances.Connectors.TryGetValue(Descriptor.Kind, out var c) && c is IConnectionTester;

    /// <summary>The URL the source posts to, with the credentials it needs: those entered now in full (this page shows secrets once), stored ones as placeholders.</summary>
    public string WebhookUrl => WebhookUrls.For(Request, Id ?? "", Descriptor, _webhookUrlValues);

    private Dictionary<string, string?> _webhookUrlValues = [];

    public string? Value(string option) => _values.GetValueOrDefault(option);

    public bool HasStoredSecret(string option) => _storedSecrets.Contains(option);

    /// <summary>A stored secret that cannot be decrypted (the Data Protection key it was encrypted with is gone).</summary>
    public bool IsUndecryptable(string option) => _undecryptableSecrets.Contains(option);

    /// <summary>The display names of the stored secrets that cannot be decrypted and must be entered again.</summary>
    public IReadOnlyList<string> UndecryptableSecrets =>
        [.. Descriptor.Options.Where(o => _undecryptableSecrets.Contains(o.Name)).Select(o => o.DisplayName)];

    /// <summary>
    /// A secret typed into a form that came back (refused, or after Test connection): the field is empty again, since
    /// secrets are never written into the page, and must be typed again to be saved.
    /// </summary>
    public bool SecretToEnterAgain(string option) =>
        !Saved && HttpMethods.IsPost(Request.Method) && Descriptor.Options.Any(o => o.IsSecret && o.Name.Equals(option, StringComparison.OrdinalIgnoreCase))
        && !string.IsNullOrWhiteSpace(_values.GetValueOrDefault(option));

    /// <summary>The validator's message about this option (its messages start with the option's quoted name).</summary>
    public string? ProblemFor(string option) => Problems.FirstOrDefault(p => p.StartsWith($"'{option}'", StringComparison.OrdinalIgnoreCase));

    public async Task<IActionResult> OnGetAsync(string? id, string? kind)
    {
        return await LoadAsync(id, kind) ?? Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(string? instanceId, string? kind, bool enabled, bool existing)
    {
        if (await LoadAsync(existing ? instanceId : null, kind) is { } missing)
        {
            return missing;
        }
        Id = instanceId?.Trim();
        Enabled = enabled;
        ReadForm();
        Problems = await stored.SaveAsync(Id ?? "", Descriptor.Kind, _values, enabled, create: !existing, User.Identity!.Name!, HttpContext.RequestAborted);
        if (Problems.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        Saved = true;
        IsNew = false;
        EnteredSecrets = [.. Descriptor.Options.Where(o => o.IsSecret && !string.IsNullOrWhiteSpace(_values.GetValueOrDefault(o.Name)))
            .Select(o => (o.Name, _values[o.Name]!.Trim()))];
        _webhookUrlValues = new(WebhookUrls.Masked(Descriptor, option => _values.GetValueOrDefault(option)?.Trim() is { Length: > 0 } v ? v : _storedSecrets.Contains(option) ? "set" : null),
            StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in EnteredSecrets.Where(s => _webhookUrlValues.ContainsKey(s.Name)))
        {
            _webhookUrlValues[name] = value;
        }
        _storedSecrets = new(Descriptor.Options.Where(o => o.IsSecret).Select(o => o.Name), StringComparer.OrdinalIgnoreCase);
        _undecryptableSecrets.Clear();
        return Page();
    }

    public async Task<IActionResult> OnPostTestAsync(string? instanceId, string? kind, bool enabled, bool existing)
    {
        if (await LoadAsync(existing ? instanceId : null, kind) is { } missing)
        {
            return missing;
        }
        Id = instanceId?.Trim();
        Enabled = enabled;
        ReadForm();
        var connector = instances.Connectors[Descriptor.Kind];
        // Only the instance this form edits lends its stored secrets, and not to a changed address.
        var (settings, secretProblems) = stored.WithStoredSecrets(existing ? _row : null, connector, _values);
        Problems = [.. secretProblems, .. StoredConnectorInstances.WithoutProblemsFor(ConnectorSettingsValidator.Validate(connector, settings), secretProblems)];
        if (Problems.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        if (connector is IConnectionTester tester)
        {
            TestResult = await tester.TestAsync(new ConnectorInstance(Id ?? "test", Descriptor.Kind, settings), HttpContext.RequestAborted);
            await stored.RecordConnectionTestAsync(Id is { Length: > 0 } id ? id : "(new instance)", connector, settings,
                $"{TestResult.Outcome} {TestResult.Detail}".Trim(), User.Identity!.Name!, HttpContext.RequestAborted);
        }
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(string? instanceId)
    {
        if (string.IsNullOrEmpty(instanceId) || !await stored.DeleteAsync(instanceId, User.Identity!.Name!, HttpContext.RequestAborted))
        {
            return NotFound();
        }
        return Redirect("/admin/connectors");
    }

    private async Task<IActionResult?> LoadAsync(string? id, string? kind)
    {
        if (!string.IsNullOrEmpty(id))
        {
            if (instances.IsConfigured(id))
            {
                return Redirect("/admin/connectors");
            }
            var row = await stored.FindAsync(id, HttpContext.RequestAborted);
            if (row is null || !instances.Connectors.TryGetValue(row.Kind, out var existing))
            {
                return NotFound();
            }
            _row = row;
            Id = row.Id;
            IsNew = false;
            Enabled = row.Enabled;
            Descriptor = existing.Descriptor;
            _values = stored.VisibleSettings(row, existing).ToDictionary(kv => kv.Key, kv => (string?)kv.Value, StringComparer.OrdinalIgnoreCase);
            var (readable, undecryptable) = stored.ReadableSettings(row, existing);
            _storedSecrets = new(readable.Keys.Where(k => existing.Descriptor.Options.Any(o => o.IsSecret && o.Name.Equals(k, StringComparison.OrdinalIgnoreCase))),
                StringComparer.OrdinalIgnoreCase);
            _undecryptableSecrets = new(undecryptable.Select(u => u.Option), StringComparer.OrdinalIgnoreCase);
            return null;
        }
        if (string.IsNullOrEmpty(kind) || !instances.Connectors.TryGetValue(kind, out var connector))
        {
            return Redirect("/admin/connectors");
        }
        Descriptor = connector.Descriptor;
        return null;
    }

    private void ReadForm()
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var option in Descriptor.Options)
        {
            values[option.Name] = Request.Form[$"o.{option.Name}"].ToString();
        }
        _values = values;
    }
}
