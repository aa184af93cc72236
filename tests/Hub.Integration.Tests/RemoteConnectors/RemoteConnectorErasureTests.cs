using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using StandardWebhooks;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Xunit.Abstractions;
using static Hub.Integration.Tests.Connectors.Salesforce.SalesforceHub;

namespace Hub.Integration.Tests.RemoteConnectors;

/// <summary>
/// A remote connector that receives customer changes is told about erasures the same way, as <c>customer.erased</c> on its
/// sync path (it was not told at all: the system behind it kept the person). Each test uses its own person, and the
/// replica's answers to that person's erasure are set up by the test.
/// </summary>
public sealed class RemoteConnectorErasureTests(FakeRemoteConnectorHub remote, ITestOutputHelper output) : IClassFixture<FakeRemoteConnectorHub>, IDisposable
{
    private const string SyncPath = $"{FakeRemoteConnectorHub.BasePath}/hub/sync";
    private readonly int _logStart = remote.Hub.Hub.Output.Length;

    private HttpClient Client => remote.Hub.Hub.Client;

    public void Dispose()
    {
        output.WriteLine($"The hub's log during this test:{Environment.NewLine}{remote.Hub.Hub.Output[_logStart..]}");
        foreach (var entry in remote.Replica.LogEntries.Where(e => e.RequestMessage?.Path == SyncPath))
        {
            output.WriteLine($"rem {entry.RequestMessage!.DateTime:HH:mm:ss.fff} {entry.ResponseMessage?.StatusCode} {entry.RequestMessage.Body}");
        }
    }

    [Fact]
    public async Task The_erasure_reaches_the_connector_signed_like_its_changes_and_is_done_when_it_answers_2xx()
    {
        var customerId = await SyncedPersonAsync(1);
        // The replica holds its answer until the test has seen the erasure pending (an answer at once could come first).
        using var answer = new ManualResetEventSlim();
        remote.Replica.Given(ErasureOf(customerId)).AtPriority(0).RespondWith(Response.Create().WithCallback(_ =>
        {
            answer.Wait(TimeSpan.FromSeconds(60));
            return new ResponseMessage { StatusCode = 200 };
        }));

        var (status, erasure) = await SendAsync(HttpMethod.Post, $"api/customers/{customerId}/erasure");

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("pending", Target(erasure)?.GetProperty("status").GetString());
        Assert.Equal("pending", erasure.GetProperty("status").GetString());
        answer.Set();
        var requestId = erasure.GetProperty("erasureRequestId").GetGuid();
        var message = Assert.Single(await ErasedMessagesAsync(customerId, count: 1));
        Assert.Equal($"msg_erasure_{requestId:N}", message.WebhookId);
        VerifySignature(message.Request);
        var data = message.Body.GetProperty("data");
        Assert.Equal(requestId, data.GetProperty("erasureRequestId").GetGuid());
        Assert.Equal(customerId, data.GetProperty("customerId").GetGuid());
        Assert.Equal(JsonValueKind.Array, data.GetProperty("externalIdentifiers").ValueKind);
        Assert.Empty(data.GetProperty("mergedCustomerIds").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, data.GetProperty("mergedIntoCustomerId").ValueKind);
        Assert.True(data.TryGetProperty("externalRecordId", out _));
        Assert.True(data.TryGetProperty("requestedAt", out _));
        Assert.DoesNotContain("example.com", message.Request.Body!, StringComparison.OrdinalIgnoreCase);

        var done = await ErasureWhenAsync(customerId, e => e.GetProperty("status").GetString() == "done");
        Assert.Equal("done", Target(done)?.GetProperty("status").GetString());
        Assert.Contains("answered 200", Target(done)?.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_5xx_makes_the_erasure_retrying_and_it_is_done_once_the_connector_takes_it()
    {
        var customerId = await SyncedPersonAsync(2);
        var unavailable = Guid.NewGuid();
        remote.Replica.Given(ErasureOf(customerId)).WithGuid(unavailable).AtPriority(0)
            .RespondWith(Response.Create().WithStatusCode(503).WithBody("down for maintenance"));

        var (status, _) = await SendAsync(HttpMethod.Post, $"api/customers/{customerId}/erasure");
        Assert.Equal(HttpStatusCode.Accepted, status);
        var retrying = await ErasureWhenAsync(customerId, e => Target(e)?.GetProperty("status").GetString() == "retrying");
        Assert.Contains("503", Target(retrying)?.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Equal("pending", retrying.GetProperty("status").GetString());

        remote.Replica.DeleteMapping(unavailable);
        var done = await ErasureWhenAsync(customerId, e => e.GetProperty("status").GetString() == "done");
        Assert.Equal("done", Target(done)?.GetProperty("status").GetString());
        var messages = await ErasedMessagesAsync(customerId, count: 2);
        Assert.Single(messages.Select(m => m.WebhookId).Distinct());
    }

    [Fact]
    public async Task A_4xx_fails_the_erasure_with_the_connectors_answer_quoted()
    {
        var customerId = await SyncedPersonAsync(3);
        remote.Replica.Given(ErasureOf(customerId)).AtPriority(0)
            .RespondWith(Response.Create().WithStatusCode(422).WithBody("the customer is under legal hold"));

        var (status, _) = await SendAsync(HttpMethod.Post, $"api/customers/{customerId}/erasure");
        Assert.Equal(HttpStatusCode.Accepted, status);

        var failed = await ErasureWhenAsync(customerId, e => e.GetProperty("status").GetString() == "failed");
        var target = Target(failed)!.Value;
        Assert.Equal("failed", target.GetProperty("status").GetString());
        var reason = target.GetProperty("lastError").GetString();
        Assert.Contains("refused the erasure with 422", reason, StringComparison.Ordinal);
        Assert.Contains("\"the customer is under legal hold\"", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Erasing_the_survivor_of_a_merge_sends_one_erasure_per_customer_id()
    {
        var (survivor, merged) = await MergedPairAsync();

        var (status, erasure) = await SendAsync(HttpMethod.Post, $"api/customers/{survivor}/erasure");
        Assert.Equal(HttpStatusCode.Accepted, status);
        var mergedErasure = Assert.Single(erasure.GetProperty("mergedCustomers").EnumerateArray());
        Assert.Equal(merged, mergedErasure.GetProperty("customerId").GetGuid());
        Assert.Contains(mergedErasure.GetProperty("targets").EnumerateArray(), t => t.GetProperty("connectorInstanceId").GetString() == FakeRemoteConnectorHub.InstanceId);

        var ofMerged = Assert.Single(await ErasedMessagesAsync(merged, count: 1, byCustomerId: true));
        Assert.Equal(survivor, ofMerged.Body.GetProperty("data").GetProperty("mergedIntoCustomerId").GetGuid());
        Assert.Equal($"msg_erasure_{mergedErasure.GetProperty("erasureRequestId").GetGuid():N}", ofMerged.WebhookId);
        var ofSurvivor = Assert.Single(await ErasedMessagesAsync(survivor, count: 1, byCustomerId: true));
        Assert.Equal([merged], ofSurvivor.Body.GetProperty("data").GetProperty("mergedCustomerIds").EnumerateArray().Select(e => e.GetGuid()).ToList());
        Assert.NotEqual(ofMerged.WebhookId, ofSurvivor.WebhookId);
        await ErasureWhenAsync(survivor, e => e.GetProperty("status").GetString() == "done");
    }

    /// <summary>A person sent by the CRM (crm1), whose change the connector received; their customer id.</summary>
    private async Task<Guid> SyncedPersonAsync(int n)
    {
        var email = $"erased{n}@example.com";
        await SegmentAsync($$$"""{"type":"identify","messageId":"erase-{{{n}}}","userId":"erase-{{{n}}}-user","timestamp":"2026-11-20T10:00:00Z","traits":{"email":"{{{email}}}","name":"Erased {{{n}}}"}}""");
        var customerId = await CustomerIdAsync($"email={Uri.EscapeDataString(email)}");
        await EventuallyAsync(() => Received(customerId, "customer.updated").Count > 0, $"the connector receiving {customerId}");
        return customerId;
    }

    /// <summary>A CRM user and an anonymous visitor with a phone, both sent to the connector, then merged by a track naming both.</summary>
    private async Task<(Guid Survivor, Guid Merged)> MergedPairAsync()
    {
        await SegmentAsync("""{"type":"identify","messageId":"erase-m-a","userId":"erase-m-user","timestamp":"2026-11-20T10:00:00Z","traits":{"email":"merge.erased@example.com","name":"Merge Erased"}}""");
        var survivor = await CustomerIdAsync("email=merge.erased%40example.com");
        await SegmentAsync("""{"type":"identify","messageId":"erase-m-b","anonymousId":"erase-m-anon","timestamp":"2026-11-20T10:01:00Z","traits":{"phone":"+1 415 555 0177"}}""");
        var merged = await CustomerIdAsync("phone=%2B14155550177");
        Assert.NotEqual(survivor, merged);
        await EventuallyAsync(() => Received(merged, "customer.updated").Count > 0, "the connector receiving the visitor");

        await SegmentAsync("""{"type":"track","messageId":"erase-m-c","anonymousId":"erase-m-anon","event":"Signed Up","timestamp":"2026-11-20T10:02:00Z","context":{"traits":{"email":"merge.erased@example.com","phone":"+1 415 555 0177"}}}""");
        await EventuallyAsync(() => Received(merged, "customer.merged").Count > 0, "the connector receiving the merge");
        return (survivor, merged);
    }

    private async Task SegmentAsync(string body)
    {
        using var response = await remote.Hub.Sender.SendAsync(body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<Guid> CustomerIdAsync(string query)
    {
        List<JsonElement> found = [];
        await EventuallyAsync(async () =>
        {
            found = [.. (await Client.GetFromJsonAsync<JsonElement>(new Uri($"api/customers?{query}", UriKind.Relative))).EnumerateArray()];
            return found.Count == 1;
        }, $"the customer with {query}");
        return found[0].GetProperty("id").GetGuid();
    }

    private static IRequestBuilder ErasureOf(Guid customerId) => Request.Create().WithPath(SyncPath).UsingPost()
        .WithBody((string? body) => body is not null && body.Contains("\"type\":\"customer.erased\"", StringComparison.Ordinal)
            && body.Contains(customerId.ToString(), StringComparison.Ordinal));

    private List<ReceivedMessage> Received(Guid customerId, string type, bool byCustomerId = false) =>
        [.. remote.Replica.LogEntries.Select(e => e.RequestMessage!)
            .Where(r => r.Path == SyncPath && r.Body is { } body && body.Contains($"\"type\":\"{type}\"", StringComparison.Ordinal)
                && body.Contains(byCustomerId ? $"\"customerId\":\"{customerId}\"" : customerId.ToString(), StringComparison.Ordinal))
            .Select(r => new ReceivedMessage(r, JsonDocument.Parse(r.Body!).RootElement.Clone(), r.Headers!["webhook-id"][0]))];

    /// <summary>The <c>customer.erased</c> messages naming the customer, once there are at least <paramref name="count"/>.</summary>
    private async Task<List<ReceivedMessage>> ErasedMessagesAsync(Guid customerId, int count, bool byCustomerId = false)
    {
        await EventuallyAsync(() => Received(customerId, "customer.erased", byCustomerId).Count >= count, $"{count} customer.erased naming {customerId}");
        return Received(customerId, "customer.erased", byCustomerId);
    }

    private async Task<JsonElement> ErasureWhenAsync(Guid customerId, Func<JsonElement, bool> condition)
    {
        JsonElement erasure = default;
        await EventuallyAsync(async () =>
        {
            (_, erasure) = await SendAsync(HttpMethod.Get, $"api/customers/{customerId}/erasure");
            return erasure.ValueKind == JsonValueKind.Object && condition(erasure);
        }, $"the erasure of {customerId} to reach the expected status");
        return erasure;
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        using var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private static JsonElement? Target(JsonElement erasure) =>
        erasure.GetProperty("targets").EnumerateArray()
            .Where(t => t.GetProperty("connectorInstanceId").GetString() == FakeRemoteConnectorHub.InstanceId).Cast<JsonElement?>().FirstOrDefault();

    private static void VerifySignature(WireMock.IRequestMessage request)
    {
        var headers = new HeaderDictionary();
        foreach (var (name, values) in request.Headers!)
        {
            headers[name] = values.ToArray();
        }
        new StandardWebhook(FakeRemoteConnectorHub.SyncSecret).Verify(request.Body!, headers);
    }

    private sealed record ReceivedMessage(WireMock.IRequestMessage Request, JsonElement Body, string WebhookId);
}
