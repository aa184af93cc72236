using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Hub.Integration.Tests.Connectors.Salesforce.SalesforceHub;

namespace Hub.Integration.Tests.RemoteConnectors;

/// <summary>The Python example connector takes an erasure: it forgets what it held of the person and answers 2xx, so the erasure is done.</summary>
public sealed class ExampleConnectorErasureTests(RemoteConnectorHub remote) : IClassFixture<RemoteConnectorHub>
{
    [Fact]
    public async Task The_example_connector_forgets_the_erased_customer_and_the_erasure_is_done()
    {
        const string email = "erin.erased@example.com";
        using (var response = await remote.Hub.Sender.SendAsync(
            $$$"""{"type":"identify","messageId":"erase-example-1","userId":"erase-example","traits":{"email":"{{{email}}}","name":"Erin Erased"}}"""))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var customerId = await CustomerIdAsync(email);
        await EventuallyAsync(() => SyncRecordsOf(customerId).Count > 0, "a replica recording the customer's change");

        using var requested = await remote.Hub.Hub.Client.PostAsync(new Uri($"api/customers/{customerId}/erasure", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Accepted, requested.StatusCode);
        var requestId = (await requested.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("erasureRequestId").GetGuid();

        JsonElement? erasedAt = null;
        await EventuallyAsync(() => (erasedAt = ErasureRecord(customerId)) is not null, "a replica recording the erasure");
        Assert.Equal($"msg_erasure_{requestId:N}", erasedAt!.Value.GetProperty("webhookId").GetString());
        Assert.Equal(requestId, erasedAt.Value.GetProperty("erasureRequestId").GetGuid());
        // The replica that took the erasure kept nothing of the person (the replicas of a real connector share the
        // helpdesk; the example's two processes do not, so only that one is asked).
        var replica = remote.Replicas.Single(r => r.Records("erasure").Any(e => e.GetProperty("customerId").GetString() == customerId.ToString()));
        Assert.DoesNotContain(replica.Records("sync"), s => s.GetProperty("body").GetString()!.Contains(customerId.ToString(), StringComparison.Ordinal));
        Assert.DoesNotContain(File.ReadAllText(replica.RecordFile), email, StringComparison.OrdinalIgnoreCase);

        await EventuallyAsync(async () =>
        {
            var erasure = await remote.Hub.Hub.Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers/{customerId}/erasure", UriKind.Relative));
            return erasure.GetProperty("targets").EnumerateArray().Any(t =>
                t.GetProperty("connectorInstanceId").GetString() == RemoteConnectorHub.InstanceId && t.GetProperty("status").GetString() == "done");
        }, "the erasure done at the example connector");
    }

    private async Task<Guid> CustomerIdAsync(string email)
    {
        List<JsonElement> found = [];
        await EventuallyAsync(async () =>
        {
            found = [.. (await remote.Hub.Hub.Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers?email={Uri.EscapeDataString(email)}", UriKind.Relative))).EnumerateArray()];
            return found.Count == 1;
        }, $"the customer with {email}");
        return found[0].GetProperty("id").GetGuid();
    }

    private List<JsonElement> SyncRecordsOf(Guid customerId) =>
        [.. remote.Replicas.SelectMany(r => r.Records("sync")).Where(s => s.GetProperty("customerId").GetString() == customerId.ToString())];

    private JsonElement? ErasureRecord(Guid customerId) =>
        remote.Replicas.SelectMany(r => r.Records("erasure"))
            .Where(e => e.GetProperty("customerId").GetString() == customerId.ToString()).Cast<JsonElement?>().FirstOrDefault();
}
