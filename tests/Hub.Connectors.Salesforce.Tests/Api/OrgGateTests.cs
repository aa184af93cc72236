using Hub.Contracts.Connectors;
using Microsoft.Extensions.Time.Testing;
using static Hub.Connectors.Salesforce.Tests.SalesforceTestKit;

namespace Hub.Connectors.Salesforce.Tests.Api;

/// <summary>Back-off and circuit breaker per org: REQUEST_LIMIT_EXCEEDED and 503 stop the calls for the time Salesforce asks.</summary>
public sealed class OrgGateTests : IDisposable
{
    private readonly FakeSalesforce _salesforce = new FakeSalesforce().GrantsTokens();
    private readonly FakeSalesforce _otherOrg = new FakeSalesforce().GrantsTokens();
    private readonly FakeTimeProvider _time = new(Now);
    private readonly ISyncTarget _target;

    public OrgGateTests() => _target = (ISyncTarget)Connector(_time);

    private ValueTask<SyncResult> PushAsync(FakeSalesforce org, string instanceId = InstanceId) =>
        _target.PushAsync(Change(), Instance(org.Url) with { Id = instanceId }, CancellationToken.None);

    private int Upserts(FakeSalesforce org) => org.Requests("PATCH", FakeSalesforce.ContactsPath).Count;

    [Fact]
    public async Task Request_limit_exceeded_backs_off_for_the_Retry_After_of_Salesforce()
    {
        _salesforce.Answers("PATCH", "/services/data/*", 403, Sample("error-request-limit.json"), retryAfterSeconds: 120);

        var first = await Assert.ThrowsAsync<SyncTargetUnavailableException>(async () => await PushAsync(_salesforce));
        _time.Advance(TimeSpan.FromSeconds(119));
        var during = await Assert.ThrowsAsync<SyncTargetUnavailableException>(async () => await PushAsync(_salesforce));

        Assert.Equal(TimeSpan.FromSeconds(120), first.RetryAfter);
        Assert.Contains("REQUEST_LIMIT_EXCEEDED", first.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(1), during.RetryAfter);
        Assert.Equal(1, Upserts(_salesforce));
    }

    [Fact]
    public async Task After_the_back_off_the_next_call_goes_through()
    {
        _salesforce.Answers("PATCH", "/services/data/*", 403, Sample("error-request-limit.json"), retryAfterSeconds: 60);
        await Assert.ThrowsAsync<SyncTargetUnavailableException>(async () => await PushAsync(_salesforce));
        _salesforce.Server.Reset();
        _salesforce.GrantsTokens().Answers("PATCH", "/services/data/*", 201, Sample("upsert-created-201.json"));

        _time.Advance(TimeSpan.FromSeconds(60));
        var result = await PushAsync(_salesforce);

        Assert.True(result.Delivered);
    }

    [Fact]
    public async Task Without_Retry_After_the_back_off_doubles_from_30_seconds()
    {
        _salesforce.Answers("PATCH", "/services/data/*", 403, Sample("error-request-limit.json"));

        var first = await Assert.ThrowsAsync<SyncTargetUnavailableException>(async () => await PushAsync(_salesforce));
        _time.Advance(first.RetryAfter!.Value);
        var second = await Assert.ThrowsAsync<SyncTargetUnavailableException>(async () => await PushAsync(_salesforce));

        Assert.Equal(TimeSpan.FromSeconds(30), first.RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(60), second.RetryAfter);
    }

    [Fact]
    public async Task Service_unavailable_honours_Retry_After_too()
    {
        _salesforce.Answers("PATCH", "/services/data/*", 503, "[]", retryAfterSeconds: 300);

        var e = await Assert.ThrowsAsync<SyncTargetUnavailableException>(async () => await PushAsync(_salesforce));

        Assert.Equal(TimeSpan.FromSeconds(300), e.RetryAfter);
    }

    [Fact]
    public async Task Five_server_errors_in_a_row_open_the_circuit_for_30_seconds()
    {
        _salesforce.Answers("PATCH", "/services/data/*", 500, "[]");
        for (var i = 0; i < 5; i++)
        {
            await Assert.ThrowsAsync<HttpRequestException>(async () => await PushAsync(_salesforce));
        }

        var open = await Assert.ThrowsAsync<SyncTargetUnavailableException>(async () => await PushAsync(_salesforce));

        Assert.Equal(5, Upserts(_salesforce));
        Assert.Equal(TimeSpan.FromSeconds(30), open.RetryAfter);
    }

    [Fact]
    public async Task One_org_backing_off_does_not_stop_another()
    {
        _salesforce.Answers("PATCH", "/services/data/*", 403, Sample("error-request-limit.json"), retryAfterSeconds: 600);
        _otherOrg.Answers("PATCH", "/services/data/*", 201, Sample("upsert-created-201.json"));
        await Assert.ThrowsAsync<SyncTargetUnavailableException>(async () => await PushAsync(_salesforce));

        var result = await PushAsync(_otherOrg, "sf-other");

        Assert.True(result.Delivered);
    }

    public void Dispose()
    {
        _salesforce.Dispose();
        _otherOrg.Dispose();
    }
}
