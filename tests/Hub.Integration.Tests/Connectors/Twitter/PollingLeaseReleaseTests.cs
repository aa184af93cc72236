using Hub.Integration.Tests.Hosting;
using Npgsql;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static Hub.Integration.Tests.Connectors.Salesforce.SalesforceHub;
using Request = WireMock.RequestBuilders.Request;

namespace Hub.Integration.Tests.Connectors.Twitter;

/// <summary>
/// Two hub processes on PostgreSQL share one polling source. A rolling restart stops the holder gracefully: it gives
/// the lease up as it stops, so the other process takes the source over at its next check instead of after the lease
/// lapsed. The lease is long (20 s) so that only a released lease can have left the stopped process by then.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class PollingLeaseReleaseTests : IAsyncLifetime
{
    private const string MentionsPath = "/2/users/1102497772336161459/mentions";
    private readonly WireMockServer _x = WireMockServer.Start();
    private ProductionHub _hub = null!;

    public async Task InitializeAsync()
    {
        _x.Given(Request.Create().WithPath(MentionsPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"meta":{"result_count":0}}"""));
        _hub = await ProductionHub.StartAsync(new Dictionary<string, string>
        {
            ["Hub:Connectors:x1:Kind"] = "twitter",
            ["Hub:Connectors:x1:ConsumerSecret"] = "hub-test-consumer-secret",
            ["Hub:Connectors:x1:AccountUserId"] = "1102497772336161459",
            ["Hub:Connectors:x1:Mode"] = "polling",
            ["Hub:Connectors:x1:BearerToken"] = "app-bearer-token",
            ["Hub:Connectors:x1:PollIntervalSeconds"] = "1",
            ["Hub:Connectors:x1:ApiBaseUrl"] = _x.Url!,
            ["Hub:Polling:Lease"] = "00:00:20",
            ["Hub:Outbound:AllowedNetworks:0"] = "127.0.0.1/32",
            ["Logging:LogLevel:Hub"] = "Information",
        }, processes: 2);
    }

    [Fact]
    public async Task A_gracefully_stopped_holder_releases_the_lease_and_the_other_process_takes_the_source_over()
    {
        await EventuallyAsync(async () => (await HolderAsync()).Length > 0, "a process holding the source");
        var holder = await HolderAsync();
        var stopping = _hub.Hubs.Single(h => holder.Contains($":{h.ProcessId}:", StringComparison.Ordinal));
        var survivor = _hub.Hubs.Single(h => h != stopping);
        await EventuallyAsync(() => survivor.Output.Contains("Polling x1 set up; it runs in the hub process that holds its lease", StringComparison.Ordinal), "the survivor setting the source up");
        Assert.Contains("This process took the lease of x1 and polls it", stopping.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("took the lease of x1", survivor.Output, StringComparison.Ordinal);

        await stopping.TerminateAsync(TimeSpan.FromSeconds(30));

        Assert.DoesNotContain($":{stopping.ProcessId}:", await HolderAsync(), StringComparison.Ordinal);
        Assert.Contains("Released the lease of x1", stopping.Output, StringComparison.Ordinal);
        await EventuallyAsync(async () => (await HolderAsync()).Contains($":{survivor.ProcessId}:", StringComparison.Ordinal), "the survivor holding the source");
        await EventuallyAsync(() => survivor.Output.Contains("This process took the lease of x1 and polls it", StringComparison.Ordinal), "the survivor logging that it took the lease");
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        _x.Dispose();
    }

    private async Task<string> HolderAsync()
    {
        await using var connection = new NpgsqlConnection(_hub.DatabaseConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""select "Owner" from source_checkpoints where "ConnectorInstanceId" = 'x1'""", connection);
        return await command.ExecuteScalarAsync() as string ?? "";
    }
}
