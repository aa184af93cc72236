using System.Net;
using Hub.Integration.Tests.Hosting;
using Hub.Testing.Servers;
using Npgsql;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static Hub.Integration.Tests.Connectors.Salesforce.SalesforceHub;
using Request = WireMock.RequestBuilders.Request;

namespace Hub.Integration.Tests.Connectors.Twitter;

/// <summary>
/// Two hub processes on RabbitMQ and PostgreSQL share one polling source: one polls; when it dies, the other takes over.
/// The lease is short (6 s) so that the takeover comes quickly; a poll round that outlasts it lets the other process
/// take the source over and repeat the poll, as designed. A process's first round, cold (everything still to be
/// compiled) on a busy machine, can take that long: so X has no mentions until both processes have polled (and
/// taken a webhook) once, and only then the first page, which must be fetched exactly once.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class PollingTakeoverTests : IAsyncLifetime
{
    private const string MentionsPath = "/2/users/1102497772336161459/mentions";
    private const string Newest = "1932450711308666113";
    private const string NoMentions = """{"meta":{"result_count":0}}""";
    private static readonly Guid FirstPage = Guid.Parse("5a0f3c1e-6d0b-4c55-9f3e-2f4f0c7f7a01");
    private readonly WireMockServer _x = WireMockServer.Start();
    private ProductionHub _hub = null!;

    public async Task InitializeAsync()
    {
        _x.Given(Request.Create().WithPath(MentionsPath).UsingGet()).AtPriority(100)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(NoMentions));
        _x.Given(Request.Create().WithPath(MentionsPath).WithParam("since_id", Newest).UsingGet()).AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(NoMentions));
        _hub = await ProductionHub.StartAsync(new Dictionary<string, string>
        {
            ["Hub:Connectors:x1:Kind"] = "twitter",
            ["Hub:Connectors:x1:ConsumerSecret"] = "hub-test-consumer-secret",
            ["Hub:Connectors:x1:AccountUserId"] = "1102497772336161459",
            ["Hub:Connectors:x1:Mode"] = "polling",
            ["Hub:Connectors:x1:BearerToken"] = "app-bearer-token",
            ["Hub:Connectors:x1:PollIntervalSeconds"] = "1",
            ["Hub:Connectors:x1:ApiBaseUrl"] = _x.Url!,
            ["Hub:Polling:Lease"] = "00:00:06",
            ["Hub:Outbound:AllowedNetworks:0"] = "127.0.0.1/32",
        }, processes: 2);

        // Warm both processes: a webhook through each one's ingress, and polls that find nothing.
        for (var process = 0; process < _hub.Hubs.Count; process++)
        {
            using var response = await _hub.SenderTo(process).SendAsync(SignedWebhookSender.Identify(process, 2));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        await EventuallyAsync(async () => (await _hub.TimelineSourceEventIdsAsync()).Count == _hub.Hubs.Count, "the warm-up webhooks");
        var polled = _x.LogEntries.Count();
        await EventuallyAsync(() => _x.LogEntries.Count() >= polled + 2, "two polls after the warm-up webhooks");

        _x.Given(Request.Create().WithPath(MentionsPath).UsingGet()).WithGuid(FirstPage).AtPriority(50)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(
                File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "formats", "twitter", "v2-mentions-page1.json"))));
    }

    [Fact]
    public async Task One_process_polls_at_a_time_and_when_it_dies_the_other_takes_over_without_duplicates()
    {
        await EventuallyAsync(async () => (await _hub.TimelineSourceEventIdsAsync("x1")).Count == 5, "the first page of mentions");
        var holder = await HolderAsync();
        Assert.Equal(1, FirstPageFetches());

        var dying = _hub.Hubs.Single(h => holder.Contains($":{h.ProcessId}:", StringComparison.Ordinal));
        var survivor = _hub.Hubs.Single(h => h != dying);
        await dying.KillAsync();
        await EventuallyAsync(async () => (await HolderAsync()).Contains($":{survivor.ProcessId}:", StringComparison.Ordinal), "the survivor holding the source");
        var before = SinceIdPolls();
        await EventuallyAsync(() => SinceIdPolls() > before, "a poll by the survivor from the stored checkpoint");

        Assert.Equal(5, (await _hub.TimelineSourceEventIdsAsync("x1")).Count);
        Assert.Equal(1, FirstPageFetches());
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        _x.Dispose();
    }

    private int FirstPageFetches() => _x.LogEntries.Count(e => e.MappingGuid == FirstPage);

    private int SinceIdPolls() => _x.LogEntries.Count(e => e.RequestMessage!.Query!.TryGetValue("since_id", out var since) && since.Contains(Newest));

    private async Task<string> HolderAsync()
    {
        await using var connection = new NpgsqlConnection(_hub.DatabaseConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""select "Owner" from source_checkpoints where "ConnectorInstanceId" = 'x1'""", connection);
        return (string?)await command.ExecuteScalarAsync() ?? "";
    }
}
