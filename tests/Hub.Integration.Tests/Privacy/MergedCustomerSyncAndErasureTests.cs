using System.Net;
using System.Text.Json;
using Hub.Integration.Tests.Connectors.Salesforce;
using Microsoft.AspNetCore.Http;
using StandardWebhooks;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Xunit.Abstractions;
using static Hub.Integration.Tests.Connectors.Salesforce.SalesforceHub;

namespace Hub.Integration.Tests.Privacy;

/// <summary>
/// Two customers that turn out to be one person, as a CRM behind the webhooks target <c>crm2</c> and Salesforce <c>sf1</c>
/// see it: the merge reaches each target, erasing the survivor erases the merged customer there too, and an erasure a
/// target refused can be asked for again.
/// </summary>
public sealed class MergedCustomerSyncAndErasureTests(PrivacyHub fixture, ITestOutputHelper output) : IClassFixture<PrivacyHub>, IDisposable
{
    private readonly int _logStart = fixture.Hub.Hub.Output.Length;

    private SalesforceHub Hub => fixture.Hub;

    public void Dispose()
    {
        output.WriteLine($"The hub's log during this test:{Environment.NewLine}{fixture.Hub.Hub.Output[_logStart..]}");
        foreach (var request in Hub.Target.LogEntries.Select(e => e.RequestMessage!))
        {
            output.WriteLine($"crm2 {request.DateTime:HH:mm:ss.fff} {request.Method} {request.Path} {request.Body}");
        }
    }

    [Fact]
    public async Task A_merge_reaches_the_webhook_target_as_customer_merged_before_the_survivors_update()
    {
        var (alice, merged) = await MergeAsync("mrg1", "alice.merge@example.com", "+1 415 555 0199");

        var message = await EventuallyReceivedAsync("customer.merged", merged);
        var data = message.Body.GetProperty("data");
        Assert.Equal(alice, data.GetProperty("survivorId").GetGuid());
        Assert.Equal([merged], data.GetProperty("mergedCustomerIds").EnumerateArray().Select(e => e.GetGuid()).ToList());
        var mergedCustomer = Assert.Single(data.GetProperty("mergedCustomers").EnumerateArray());
        Assert.Equal(merged, mergedCustomer.GetProperty("customerId").GetGuid());
        Assert.Equal(JsonValueKind.Array, mergedCustomer.GetProperty("externalIdentifiers").ValueKind);
        Assert.StartsWith("msg_merge_", message.WebhookId, StringComparison.Ordinal);
        VerifySignature(message.Request);

        // The survivor's update (with the merged customer's phone) follows the merge message.
        var update = await EventuallyReceivedAsync("customer.updated", alice, body => body.Contains("14155550199", StringComparison.Ordinal));
        Assert.True(update.Request.DateTime >= message.Request.DateTime);
        Assert.Equal([merged], update.Body.GetProperty("data").GetProperty("mergedCustomerIds").EnumerateArray().Select(e => e.GetGuid()).ToList());
    }

    [Fact]
    public async Task A_merge_by_hand_reaches_the_webhook_target_as_an_automatic_merge_does()
    {
        Hub.Target.ResetMappings();
        Hub.Target.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        await Hub.SendSegmentAsync("""{"type":"identify","messageId":"hand-a","anonymousId":"hand-anon-a","timestamp":"2026-11-20T10:00:00Z","traits":{"email":"hana.hand@example.com","name":"Hana Hand"}}""");
        var older = await fixture.CustomerIdAsync("email=hana.hand%40example.com");
        await Hub.SendSegmentAsync("""{"type":"identify","messageId":"hand-b","anonymousId":"hand-anon-b","timestamp":"2026-11-20T10:01:00Z","traits":{"phone":"+1 415 555 0196"}}""");
        var younger = await fixture.CustomerIdAsync("phone=%2B14155550196");
        await EventuallyReceivedAsync("customer.updated", younger);

        var (status, body) = await fixture.SendJsonAsync(HttpMethod.Post, $"api/customers/{younger}/merge", $$"""{"otherCustomerId":"{{older}}"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(older, body.GetProperty("survivorId").GetGuid());
        var message = await EventuallyReceivedAsync("customer.merged", younger);
        Assert.Equal(older, message.Body.GetProperty("data").GetProperty("survivorId").GetGuid());
        Assert.Equal([younger], message.Body.GetProperty("data").GetProperty("mergedCustomerIds").EnumerateArray().Select(e => e.GetGuid()).ToList());
        var update = await EventuallyReceivedAsync("customer.updated", older, body => body.Contains("14155550196", StringComparison.Ordinal));
        Assert.True(update.Request.DateTime >= message.Request.DateTime);
        Assert.Equal([younger], update.Body.GetProperty("data").GetProperty("mergedCustomerIds").EnumerateArray().Select(e => e.GetGuid()).ToList());
    }

    [Fact]
    public async Task A_split_reaches_the_webhook_target_naming_the_restored_customer_on_both_sides()
    {
        Hub.Target.ResetMappings();
        Hub.Target.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        await Hub.SendSegmentAsync("""{"type":"identify","messageId":"split-a","anonymousId":"split-anon-a","timestamp":"2026-11-20T10:00:00Z","traits":{"email":"sia.split@example.com","name":"Sia Split"}}""");
        var older = await fixture.CustomerIdAsync("email=sia.split%40example.com");
        await Hub.SendSegmentAsync("""{"type":"identify","messageId":"split-b","anonymousId":"split-anon-b","timestamp":"2026-11-20T10:01:00Z","traits":{"phone":"+1 415 555 0195"}}""");
        var younger = await fixture.CustomerIdAsync("phone=%2B14155550195");
        Assert.Equal(HttpStatusCode.OK, (await fixture.SendJsonAsync(HttpMethod.Post, $"api/customers/{younger}/merge", $$"""{"otherCustomerId":"{{older}}"}""")).Status);
        await EventuallyReceivedAsync("customer.merged", younger);

        var (status, body) = await fixture.SendJsonAsync(HttpMethod.Post, $"api/customers/{older}/split", $$"""{"mergedCustomerId":"{{younger}}"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal([younger], body.GetProperty("restoredCustomerIds").EnumerateArray().Select(e => e.GetGuid()).ToList());
        var survivor = await EventuallyReceivedAsync("customer.updated", older, b => b.Contains("\"splitOffCustomerIds\":[\"", StringComparison.Ordinal));
        Assert.Equal([younger], survivor.Body.GetProperty("data").GetProperty("splitOffCustomerIds").EnumerateArray().Select(e => e.GetGuid()).ToList());
        Assert.DoesNotContain("14155550195", survivor.Body.GetProperty("data").GetProperty("customer").GetRawText(), StringComparison.Ordinal);
        var restored = await EventuallyReceivedAsync("customer.updated", younger, b => b.Contains($"\"splitFromCustomerId\":\"{older}\"", StringComparison.Ordinal));
        Assert.Equal(younger, restored.Body.GetProperty("data").GetProperty("customerId").GetGuid());
        Assert.Contains("14155550195", restored.Body.GetProperty("data").GetProperty("customer").GetRawText(), StringComparison.Ordinal);
        VerifySignature(restored.Request);
    }

    [Fact]
    public async Task A_split_made_while_the_webhook_target_was_down_still_reaches_it_with_the_restored_customer()
    {
        var (older, younger) = await TwoCustomersAsync("down", "dana.down@example.com", "+1 415 555 0194");

        Hub.Target.ResetMappings();
        Hub.Target.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(503));
        var merge = await fixture.SendJsonAsync(HttpMethod.Post, $"api/customers/{younger}/merge", $$"""{"otherCustomerId":"{{older}}"}""");
        Assert.True(merge.Status == HttpStatusCode.OK, merge.Body.ToString());
        var split = await fixture.SendJsonAsync(HttpMethod.Post, $"api/customers/{older}/split", $$"""{"mergedCustomerId":"{{younger}}"}""");
        Assert.True(split.Status == HttpStatusCode.OK, split.Body.ToString());
        // The merge's and the split's changes are tried (and refused) before crm2 takes them; whether the merge is announced
        // late or skipped for the newer version, the restored customer must reach crm2.
        var refusedBefore = Hub.Target.LogEntries.Count(e => e.ResponseMessage?.StatusCode is 503);
        await EventuallyAsync(() => Hub.Target.LogEntries.Count(e => e.ResponseMessage?.StatusCode is 503) > refusedBefore, "a change tried while crm2 answers 503");
        Hub.Target.ResetMappings();
        Hub.Target.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200));

        var restored = await EventuallyReceivedAsync("customer.updated", younger, b => b.Contains($"\"splitFromCustomerId\":\"{older}\"", StringComparison.Ordinal));
        Assert.Contains("14155550194", restored.Body.GetProperty("data").GetProperty("customer").GetRawText(), StringComparison.Ordinal);
        var sync = (await fixture.SendJsonAsync(HttpMethod.Get, $"api/customers/{younger}/sync")).Body;
        var crm2 = sync.EnumerateArray().Single(t => t.GetProperty("connectorInstanceId").GetString() == "crm2");
        Assert.Equal(restored.Body.GetProperty("data").GetProperty("version").GetInt64(), crm2.GetProperty("deliveredVersion").GetInt64());
    }

    [Fact]
    public async Task Erasing_the_survivor_erases_the_merged_customer_at_every_target_and_its_id_answers_with_the_erasure()
    {
        var (alice, merged) = await MergeAsync("mrg2", "alma.merge@example.com", "+1 415 555 0198");
        await EventuallyReceivedAsync("customer.merged", merged);
        await EventuallyAsync(() => Hub.Org.ContactOf(merged) is not null, "the merged customer's Contact");
        var mergedContact = Hub.Org.ContactOf(merged)!;

        var (status, erasure) = await fixture.SendJsonAsync(HttpMethod.Post, $"api/customers/{alice}/erasure");
        Assert.Equal(HttpStatusCode.Accepted, status);
        var mergedErasure = Assert.Single(erasure.GetProperty("mergedCustomers").EnumerateArray());
        Assert.Equal(merged, mergedErasure.GetProperty("customerId").GetGuid());

        // crm2 is told about both ids; sf1 deletes the merged customer's own Contact too.
        var erasedMerged = await EventuallyReceivedAsync("customer.erased", merged, body => body.Contains($"\"customerId\":\"{merged}\"", StringComparison.Ordinal));
        Assert.Equal(merged, erasedMerged.Body.GetProperty("data").GetProperty("customerId").GetGuid());
        Assert.Equal(alice, erasedMerged.Body.GetProperty("data").GetProperty("mergedIntoCustomerId").GetGuid());
        var erasedSurvivor = await EventuallyReceivedAsync("customer.erased", alice, body => body.Contains($"\"customerId\":\"{alice}\"", StringComparison.Ordinal));
        Assert.Equal([merged], erasedSurvivor.Body.GetProperty("data").GetProperty("mergedCustomerIds").EnumerateArray().Select(e => e.GetGuid()).ToList());
        await EventuallyAsync(() => Hub.Org.Requests("DELETE", $"{SalesforceOrg.Api}/sobjects/Contact/{mergedContact}").Count == 1, "the merged Contact's deletion");
        await EventuallyAsync(async () => (await ErasureAsync(alice)).GetProperty("status").GetString() == "done", "the erasure done everywhere");

        // The merged id leads to the survivor's erasure, as it led to the survivor before.
        using var noRedirect = NoRedirectClient();
        using var moved = await noRedirect.GetAsync(new Uri($"api/customers/{merged}/erasure", UriKind.Relative));
        Assert.Equal(HttpStatusCode.MovedPermanently, moved.StatusCode);
        Assert.Equal($"/api/customers/{alice}/erasure", moved.Headers.Location?.OriginalString);
        var (again, repeated) = await fixture.SendJsonAsync(HttpMethod.Post, $"api/customers/{merged}/erasure");
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(alice, repeated.GetProperty("customerId").GetGuid());
    }

    [Fact]
    public async Task A_failed_erasure_is_dispatched_again_when_asked_again_and_an_already_gone_answer_counts_as_done()
    {
        var customerId = await fixture.KnownPersonAsync("mrg3", "fay.failed@example.com", "+1 415 555 0197", "Fay Failed");
        Hub.Target.ResetMappings();
        Hub.Target.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        await EventuallyReceivedAsync("customer.updated", customerId);

        Hub.Target.ResetMappings();
        Hub.Target.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(422));
        var (status, _) = await fixture.SendJsonAsync(HttpMethod.Post, $"api/customers/{customerId}/erasure");
        Assert.Equal(HttpStatusCode.Accepted, status);
        await EventuallyAsync(async () => Target(await ErasureAsync(customerId), "crm2")?.GetProperty("status").GetString() == "failed", "crm2 failed after its 422");

        // The CRM is fixed; it had deleted the record by hand meanwhile, so it answers 404: already gone.
        Hub.Target.ResetMappings();
        Hub.Target.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(404));
        var (retried, answer) = await fixture.SendJsonAsync(HttpMethod.Post, $"api/customers/{customerId}/erasure");
        Assert.Equal(HttpStatusCode.Accepted, retried);
        Assert.Equal(["crm2"], answer.GetProperty("redispatched").EnumerateArray().Select(e => e.GetString()).ToList());
        Assert.NotEqual("failed", Target(answer, "crm2")!.Value.GetProperty("status").GetString());

        await EventuallyAsync(async () => (await ErasureAsync(customerId)).GetProperty("status").GetString() == "done", "the erasure done everywhere");
        Assert.Contains("404", Target(await ErasureAsync(customerId), "crm2")!.Value.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var (unchanged, nothingToRetry) = await fixture.SendJsonAsync(HttpMethod.Post, $"api/customers/{customerId}/erasure");
        Assert.Equal(HttpStatusCode.OK, unchanged);
        Assert.Empty(nothingToRetry.GetProperty("redispatched").EnumerateArray());
    }

    /// <summary>
    /// A CRM user (e-mail, userId), then an anonymous visitor with a phone, both at crm2 (and at sf1, the visitor's
    /// Contact only after the merge); then a track carrying both merges the visitor into the user. Returns (survivor, merged).
    /// </summary>
    private async Task<(Guid Survivor, Guid Merged)> MergeAsync(string prefix, string email, string phone)
    {
        var (survivor, merged) = await TwoCustomersAsync(prefix, email, phone);
        await Hub.SendSegmentAsync($$$$"""{"type":"track","messageId":"{{{{prefix}}}}-c","anonymousId":"{{{{prefix}}}}-anon","event":"Signed Up","timestamp":"2026-11-20T10:02:00Z","context":{"traits":{"email":"{{{{email}}}}","phone":"{{{{phone}}}}"}}}""");
        using var noRedirect = NoRedirectClient();
        await EventuallyAsync(async () =>
        {
            using var response = await noRedirect.GetAsync(new Uri($"api/customers/{merged}", UriKind.Relative));
            return response.StatusCode == HttpStatusCode.MovedPermanently && response.Headers.Location?.OriginalString == $"/api/customers/{survivor}";
        }, "the merge");
        return (survivor, merged);
    }

    /// <summary>A user (by e-mail, with a Contact at sf1) and a visitor (by phone, its Contact held back at sf1), not merged yet.</summary>
    private async Task<(Guid User, Guid Visitor)> TwoCustomersAsync(string prefix, string email, string phone)
    {
        Hub.Target.ResetMappings();
        Hub.Target.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        await Hub.SendSegmentAsync($$$"""{"type":"identify","messageId":"{{{prefix}}}-a","userId":"{{{prefix}}}-alice","timestamp":"2026-11-20T10:00:00Z","traits":{"email":"{{{email}}}","name":"Alice Merge"}}""");
        var survivor = await fixture.CustomerIdAsync($"email={Uri.EscapeDataString(email)}");
        await EventuallyReceivedAsync("customer.updated", survivor);
        await EventuallyAsync(() => Hub.Org.ContactOf(survivor) is not null, "the survivor's Contact");
        // The visitor's Contact is held back until after the merge: once its id were linked to the visitor, the two
        // customers would hold two salesforce:contact ids, and merge protection would refuse to merge them. The hold
        // picks the visitor's write by its phone (no other customer has it yet), and the merge is sent only once sf1
        // has been asked for that write: sent earlier, the visitor's change and its merge could reach sf1 in one batch.
        var e164 = "+" + new string([.. phone.Where(char.IsAsciiDigit)]);
        var digits = e164[1..];
        var contactUpsert = new WireMock.Matchers.WildcardMatcher($"{SalesforceOrg.Api}/*sobjects/Contact/Hub_Customer_Id__c*");
        Hub.Org.Server.Given(Request.Create().WithPath(contactUpsert).UsingMethod("PATCH").WithBody((string? body) => body?.Contains(digits, StringComparison.Ordinal) == true))
            .AtPriority(0).InScenario($"busy-{prefix}").WillSetStateTo("answered")
            .RespondWith(Response.Create().WithStatusCode(503).WithHeader("Retry-After", "15").WithHeader("Content-Type", "application/json")
                .WithBody("""[{"message":"Server is temporarily unavailable.","errorCode":"SERVER_UNAVAILABLE"}]"""));
        await Hub.SendSegmentAsync($$$"""{"type":"identify","messageId":"{{{prefix}}}-b","anonymousId":"{{{prefix}}}-anon","timestamp":"2026-11-20T10:01:00Z","traits":{"phone":"{{{phone}}}"}}""");
        var merged = await fixture.CustomerIdAsync($"phone={Uri.EscapeDataString(e164)}");
        Assert.NotEqual(survivor, merged);
        await EventuallyReceivedAsync("customer.updated", merged);
        await EventuallyAsync(() => Hub.Org.Server.LogEntries.Any(e => e.ResponseMessage?.StatusCode is 503 && $"{e.RequestMessage!.Path} {e.RequestMessage.Body}".Contains(merged.ToString(), StringComparison.Ordinal)),
            "sf1 asked for the visitor's Contact (and told to wait)");
        return (survivor, merged);
    }

    private HttpClient NoRedirectClient()
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Hub.Hub.BaseAddress };
        client.DefaultRequestHeaders.Authorization = Hub.Client.DefaultRequestHeaders.Authorization;
        return client;
    }

    private async Task<Received> EventuallyReceivedAsync(string type, Guid customerId, Func<string, bool>? also = null)
    {
        Received? found = null;
        await EventuallyAsync(() =>
        {
            found = Hub.Target.LogEntries.Select(e => e.RequestMessage!)
                .Where(r => r.Body is { } body && body.Contains($"\"type\":\"{type}\"", StringComparison.Ordinal)
                    && body.Contains(customerId.ToString(), StringComparison.Ordinal) && (also is null || also(body)))
                .Select(r => new Received(r, JsonDocument.Parse(r.Body!).RootElement.Clone(), r.Headers!["webhook-id"][0]))
                .FirstOrDefault();
            return found is not null;
        }, $"{type} naming {customerId} at crm2");
        return found!;
    }

    private static void VerifySignature(WireMock.IRequestMessage request)
    {
        var headers = new HeaderDictionary();
        foreach (var (name, values) in request.Headers!)
        {
            headers[name] = values.ToArray();
        }
        new StandardWebhook(TargetSecret).Verify(request.Body!, headers);
    }

    private async Task<JsonElement> ErasureAsync(Guid customerId) => (await fixture.SendJsonAsync(HttpMethod.Get, $"api/customers/{customerId}/erasure")).Body;

    private static JsonElement? Target(JsonElement erasure, string instance) =>
        erasure.ValueKind == JsonValueKind.Object
            ? erasure.GetProperty("targets").EnumerateArray().Where(t => t.GetProperty("connectorInstanceId").GetString() == instance).Cast<JsonElement?>().FirstOrDefault()
            : null;

    private sealed record Received(WireMock.IRequestMessage Request, JsonElement Body, string WebhookId);
}
