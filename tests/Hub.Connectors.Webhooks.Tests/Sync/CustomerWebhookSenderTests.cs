using System.Net;
using System.Text;
using System.Text.Json;
using Hub.Contracts.Connectors;
using Hub.Contracts.Customers;
using Hub.Contracts.Erasure;
using Hub.Contracts.Identity;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;
using static Hub.Connectors.Webhooks.Tests.WebhooksTestKit;

namespace Hub.Connectors.Webhooks.Tests.Sync;

/// <summary>Customer changes pushed through the connector's <see cref="ISyncTarget"/>, over a recording handler.</summary>
public sealed class CustomerWebhookSenderTests
{
    private const string TargetUrl = "https://crm.example.com/hooks/hub?tenant=acme";

    private static readonly Guid CustomerId = Guid.Parse("6f1d3c2a-8b4e-4f7a-9c0d-1e2f3a4b5c6d");

    // The official package checks freshness against the real clock, so the fake clock stands a little before it.
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 7));
    private readonly RecordingHandler _handler = new();
    private readonly RecordingHttpClientFactory _httpClients;
    private readonly ISyncTarget _target;

    public CustomerWebhookSenderTests()
    {
        _httpClients = new RecordingHttpClientFactory(_handler);
        _target = (ISyncTarget)Connector(_time, _httpClients);
    }

    private static CustomerUpdated Change(long version = 7) => new()
    {
        CustomerId = CustomerId,
        Version = version,
        ChangedFields = ["name", "identifiers"],
        Customer = new CustomerSnapshot
        {
            Id = CustomerId,
            Version = version,
            Identifiers = [CustomerIdentifier.Email("jane.doe@example.org")],
            Fields = new Dictionary<string, CustomerFieldValue>
            {
                ["name"] = new("Jane Doe", "shop", new DateTimeOffset(2025, 3, 14, 9, 0, 0, TimeSpan.Zero)),
            },
            CreatedAt = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero),
            UpdatedAt = new DateTimeOffset(2025, 3, 14, 9, 0, 0, TimeSpan.Zero),
        },
        SourceConnectorInstanceId = "shop",
        OccurredAt = new DateTimeOffset(2025, 3, 14, 9, 0, 1, TimeSpan.Zero),
    };

    private static CustomerMerge Merge() => new()
    {
        SurvivorId = CustomerId,
        SurvivorVersion = 3,
        MergedCustomerIds = [Guid.Parse("0b9c6a52-41d3-4a55-9d5e-7c1f2e3d4a5b")],
        MergedCustomers = [],
        OccurredAt = new DateTimeOffset(2025, 3, 14, 9, 0, 1, TimeSpan.Zero),
    };

    private static ConnectorInstance Target(params (string Name, string? Value)[] extra) =>
        Instance([("Secret", $"{SecretA} {SecretB}"), ("TargetUrl", TargetUrl), .. extra]);

    private ValueTask<SyncResult> PushAsync(ConnectorInstance instance, CustomerUpdated? change = null) =>
        _target.PushAsync(change ?? Change(), instance, CancellationToken.None);

    [Fact]
    public async Task Change_is_POSTed_to_the_target_URL_through_the_outbound_client()
    {
        await PushAsync(Target());

        var sent = Assert.Single(_handler.Requests);
        Assert.Equal(HttpMethod.Post, sent.Method);
        Assert.Equal(new Uri(TargetUrl), sent.Uri);
        Assert.Equal([HubHttpClients.Outbound], _httpClients.Names);
        Assert.Equal("application/json", sent.ContentType?.MediaType);
    }

    [Fact]
    public async Task Body_is_a_customer_updated_message_with_the_change()
    {
        await PushAsync(Target());

        using var body = JsonDocument.Parse(Assert.Single(_handler.Requests).Body);
        var root = body.RootElement;
        Assert.Equal("customer.updated", root.GetProperty("type").GetString());
        Assert.Equal(_time.GetUtcNow(), root.GetProperty("timestamp").GetDateTimeOffset());
        var data = root.GetProperty("data");
        Assert.Equal(CustomerId, data.GetProperty("customerId").GetGuid());
        Assert.Equal(7, data.GetProperty("version").GetInt64());
        Assert.Equal(["name", "identifiers"], data.GetProperty("changedFields").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal("Jane Doe", data.GetProperty("customer").GetProperty("fields").GetProperty("name").GetProperty("value").GetString());
    }

    [Fact]
    public async Task Webhook_id_is_derived_from_customer_and_version()
    {
        await PushAsync(Target());

        var sent = Assert.Single(_handler.Requests);
        Assert.Equal($"msg_{CustomerId:N}_7", sent.Headers["webhook-id"]);
        Assert.Equal("msg_6f1d3c2a8b4e4f7a9c0d1e2f3a4b5c6d_7", sent.Headers["webhook-id"]);
    }

    [Fact]
    public async Task Retried_push_of_one_version_keeps_its_webhook_id_and_a_new_version_gets_another()
    {
        await PushAsync(Target());
        _time.Advance(TimeSpan.FromSeconds(30));
        await PushAsync(Target());
        await PushAsync(Target(), Change(version: 8));

        Assert.Equal(
            [$"msg_{CustomerId:N}_7", $"msg_{CustomerId:N}_7", $"msg_{CustomerId:N}_8"],
            _handler.Requests.Select(r => r.Headers["webhook-id"]));
        Assert.NotEqual(_handler.Requests[0].Headers["webhook-timestamp"], _handler.Requests[1].Headers["webhook-timestamp"]);
    }

    [Fact]
    public async Task Webhook_timestamp_is_the_time_of_sending()
    {
        await PushAsync(Target());

        Assert.Equal(
            _time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            Assert.Single(_handler.Requests).Headers["webhook-timestamp"]);
    }

    [Fact]
    public async Task Signature_verifies_with_the_official_package_and_the_target_secret()
    {
        await PushAsync(Target(("TargetSecret", SecretC)));

        var sent = Assert.Single(_handler.Requests);
        new StandardWebhook(SecretC).Verify(sent.BodyText, sent.HeaderDictionary());
        Assert.Throws<WebhookVerificationException>(() => new StandardWebhook(SecretA).Verify(sent.BodyText, sent.HeaderDictionary()));
    }

    [Fact]
    public async Task Without_a_target_secret_the_first_signing_secret_signs()
    {
        await PushAsync(Target());

        var sent = Assert.Single(_handler.Requests);
        new StandardWebhook(SecretA).Verify(sent.BodyText, sent.HeaderDictionary());
        Assert.Throws<WebhookVerificationException>(() => new StandardWebhook(SecretB).Verify(sent.BodyText, sent.HeaderDictionary()));
    }

    [Fact]
    public async Task Signature_covers_the_body_as_sent()
    {
        await PushAsync(Target());

        var sent = Assert.Single(_handler.Requests);
        var reserialized = JsonSerializer.Serialize(JsonDocument.Parse(sent.Body).RootElement, new JsonSerializerOptions { WriteIndented = true });
        Assert.Throws<WebhookVerificationException>(() => new StandardWebhook(SecretA).Verify(reserialized, sent.HeaderDictionary()));
    }

    [Fact]
    public async Task Hub_verifies_its_own_outbound_message_as_an_inbound_webhook()
    {
        await PushAsync(Target());

        var sent = Assert.Single(_handler.Requests);
        var result = await ((IInboundWebhookHandler)Connector()).HandleAsync(
            Request(sent.Body, "application/json", _time.GetUtcNow(), new Dictionary<string, string>(sent.Headers)),
            Instance(("Secret", SecretA)),
            CancellationToken.None);

        // Authentic (not 401); a customer.updated message is not a Segment call, so it is not understood (400).
        Assert.Equal(400, result.Rejection?.StatusCode);
    }

    [Theory]
    [InlineData(HttpStatusCode.OK)]
    [InlineData(HttpStatusCode.Created)]
    [InlineData(HttpStatusCode.Accepted)]
    [InlineData(HttpStatusCode.NoContent)]
    public async Task Two_hundreds_mean_delivered(HttpStatusCode status)
    {
        _handler.Status = status;

        var result = await PushAsync(Target());

        Assert.True(result.Delivered);
        Assert.Contains(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gone_parks_the_change_with_the_reason_and_stops_deliveries_to_that_url_for_the_hold()
    {
        _handler.Status = HttpStatusCode.Gone;
        _handler.AnswerBody = "endpoint disabled";

        var gone = await Assert.ThrowsAsync<SyncTargetGoneException>(async () => await PushAsync(Target()));
        var later = await Assert.ThrowsAsync<SyncTargetGoneException>(async () => await PushAsync(Target(), Change(8)));
        var merge = await Assert.ThrowsAsync<SyncTargetGoneException>(async () =>
            await ((IMergeSyncTarget)_target).MergeAsync(Merge(), Target(), CancellationToken.None));

        Assert.Single(_handler.Requests);
        Assert.Contains("410 Gone", gone.Message, StringComparison.Ordinal);
        Assert.Contains("\"endpoint disabled\"", gone.Message, StringComparison.Ordinal);
        Assert.Equal(gone.Message, later.Message);
        Assert.Equal(gone.Message, merge.Message);
    }

    [Fact]
    public async Task After_a_gone_another_url_is_sent_to_at_once_and_the_same_url_again_after_the_hold()
    {
        _handler.Status = HttpStatusCode.Gone;
        await Assert.ThrowsAsync<SyncTargetGoneException>(async () => await PushAsync(Target()));
        _handler.Status = HttpStatusCode.OK;

        var elsewhere = await PushAsync(Instance([("Secret", SecretA), ("TargetUrl", "https://crm.example.com/hooks/new")]));
        _time.Advance(TimeSpan.FromHours(1));
        var again = await PushAsync(Target());

        Assert.True(elsewhere.Delivered);
        Assert.True(again.Delivered);
        Assert.Equal(3, _handler.Requests.Count);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.UnprocessableEntity)]
    [InlineData(HttpStatusCode.MovedPermanently)]
    [InlineData(HttpStatusCode.TemporaryRedirect)]
    public async Task Client_errors_and_redirects_are_refused(HttpStatusCode status)
    {
        _handler.Status = status;

        var result = await PushAsync(Target());

        Assert.Equal(SyncResult.Refused(result.Detail), result);
        Assert.Contains(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), result.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    public async Task Transient_failures_throw_so_the_host_retries(HttpStatusCode status)
    {
        _handler.Status = status;

        var e = await Assert.ThrowsAsync<HttpRequestException>(async () => await PushAsync(Target()));

        Assert.Equal(status, e.StatusCode);
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    public async Task A_target_naming_its_wait_has_the_change_handed_back_with_that_wait(HttpStatusCode status)
    {
        _handler.Status = status;
        _handler.RetryAfter = TimeSpan.FromSeconds(330);

        var e = await Assert.ThrowsAsync<SyncTargetUnavailableException>(async () => await PushAsync(Target()));

        Assert.Equal(TimeSpan.FromSeconds(330), e.RetryAfter);
    }

    [Fact]
    public async Task A_refusal_quotes_the_start_of_the_target_answer_on_one_line()
    {
        _handler.Status = HttpStatusCode.BadRequest;
        _handler.AnswerBody = "{\"error\":\r\n  \"email is\tinvalid\"}\u0007" + new string('x', 500);

        var result = await PushAsync(Target());

        Assert.False(result.Delivered);
        Assert.StartsWith("target refused the change with 400: \"{\"error\": \"email is invalid\"} xxx", result.Detail, StringComparison.Ordinal);
        Assert.EndsWith("x…\"", result.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Detail, char.IsControl);
        Assert.Equal(200, result.Detail.Split(": \"", 2)[1].TrimEnd('"', '…').Length);
    }

    [Fact]
    public async Task Instance_without_target_URL_succeeds_without_sending_anything()
    {
        var result = await PushAsync(Instance(("Secret", SecretA)));

        Assert.True(result.Delivered);
        Assert.Empty(_handler.Requests);
        Assert.Empty(_httpClients.Names);
    }

    [Fact]
    public async Task Merge_is_a_signed_customer_merged_message_whose_webhook_id_is_derived_from_survivor_and_merged_ids()
    {
        var merged = Guid.Parse("0b9c6a52-41d3-4a55-9d5e-7c1f2e3d4a5b");
        var merge = new CustomerMerge
        {
            SurvivorId = CustomerId,
            SurvivorVersion = 3,
            MergedCustomerIds = [merged],
            MergedCustomers = [new MergedCustomer { CustomerId = merged, ExternalIdentifiers = [new CustomerIdentifier("crm1:user", "u-bob")] }],
            OccurredAt = new DateTimeOffset(2025, 3, 14, 9, 0, 1, TimeSpan.Zero),
        };

        var result = await ((IMergeSyncTarget)_target).MergeAsync(merge, Target(), CancellationToken.None);
        await ((IMergeSyncTarget)_target).MergeAsync(merge with { SurvivorVersion = 4 }, Target(), CancellationToken.None);

        Assert.True(result.Delivered);
        var sent = _handler.Requests[0];
        using var body = JsonDocument.Parse(sent.Body);
        Assert.Equal("customer.merged", body.RootElement.GetProperty("type").GetString());
        var data = body.RootElement.GetProperty("data");
        Assert.Equal(CustomerId, data.GetProperty("survivorId").GetGuid());
        Assert.Equal(merged, data.GetProperty("mergedCustomerIds")[0].GetGuid());
        Assert.Equal("u-bob", data.GetProperty("mergedCustomers")[0].GetProperty("externalIdentifiers")[0].GetProperty("value").GetString());
        Assert.StartsWith($"msg_merge_{CustomerId:N}_", sent.Headers["webhook-id"], StringComparison.Ordinal);
        // A retry riding with a newer survivor version is the same merge: the receiver deduplicates it.
        Assert.Equal(sent.Headers["webhook-id"], _handler.Requests[1].Headers["webhook-id"]);
        new StandardWebhook(SecretA).Verify(sent.BodyText, sent.HeaderDictionary());
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.Gone)]
    public async Task An_erasure_answered_not_found_or_gone_is_done(HttpStatusCode status)
    {
        _handler.Status = status;

        var result = await ((IErasureTarget)_target).EraseAsync(
            new CustomerErasure { ErasureRequestId = Guid.NewGuid(), CustomerId = CustomerId, RequestedAt = _time.GetUtcNow() }, Target(), CancellationToken.None);

        Assert.True(result.Done);
        Assert.Contains(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_erasure_refused_with_another_client_error_is_not_done()
    {
        _handler.Status = HttpStatusCode.UnprocessableEntity;

        var result = await ((IErasureTarget)_target).EraseAsync(
            new CustomerErasure { ErasureRequestId = Guid.NewGuid(), CustomerId = CustomerId, RequestedAt = _time.GetUtcNow() }, Target(), CancellationToken.None);

        Assert.False(result.Done);
    }

    private sealed record SentRequest(
        HttpMethod Method, Uri? Uri, System.Net.Http.Headers.MediaTypeHeaderValue? ContentType, IReadOnlyDictionary<string, string> Headers, byte[] Body)
    {
        public string BodyText => Encoding.UTF8.GetString(Body);

        public HeaderDictionary HeaderDictionary()
        {
            var headers = new HeaderDictionary();
            foreach (var (name, value) in Headers)
            {
                headers[name] = value;
            }
            return headers;
        }
    }

    private sealed class RecordingHandler : HttpMessageHandler
    {
        public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;

        public string AnswerBody { get; set; } = "";

        public TimeSpan? RetryAfter { get; set; }

        public List<SentRequest> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
            var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
            Requests.Add(new SentRequest(request.Method, request.RequestUri, request.Content?.Headers.ContentType, headers, body));
            var response = new HttpResponseMessage(Status) { RequestMessage = request, Content = new StringContent(AnswerBody) };
            if (RetryAfter is { } wait)
            {
                response.Headers.RetryAfter = new(wait);
            }
            return response;
        }
    }

    private sealed class RecordingHttpClientFactory(HttpMessageHandler handler) : IHttpClientFactory
    {
        public List<string> Names { get; } = [];

        public HttpClient CreateClient(string name)
        {
            Names.Add(name);
            return new HttpClient(handler, disposeHandler: false);
        }
    }
}
