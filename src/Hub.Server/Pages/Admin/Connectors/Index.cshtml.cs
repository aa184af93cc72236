using Hub.Contracts.Connectors;
using Hub.Infrastructure.Connectors;
using Hub.Server.Admin.Connectors;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Hub.Server.Pages.Admin.Connectors;

public sealed class IndexModel(ConnectorList list, ConnectorInstances instances) : PageModel
{
    public IReadOnlyList<ConnectorListItem> Items { get; private set; } = [];

    public IReadOnlyList<ConnectorDescriptor> Kinds { get; private set; } = [];

    public async Task OnGetAsync()
    {
        Items = await list.ListAsync(HttpContext.RequestAborted);
        Kinds = [.. instances.Connectors.Values.Select(c => c.Descriptor).OrderBy(d => d.DisplayName)];
    }

    public string WebhookUrl(ConnectorListItem item) => WebhookUrls.For(Request, item.Id, item.Descriptor, item.WebhookUrlValues);
}
