namespace Hub.Connectors.Salesforce.Sync;

/// <summary>The REST resources the hub writes to, under <c>/services/data/vXX.X/</c>.</summary>
internal static class SalesforcePaths
{
    public static Uri Resource(Uri instanceUrl, SalesforceOptions options, params string[] segments) =>
        new(instanceUrl, $"/services/data/v{options.ApiVersion}/{string.Join('/', segments.Select(Uri.EscapeDataString))}");
}
