using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Hub.Contracts.Customers;
using Hub.Infrastructure.Audit;
using Hub.Infrastructure.Persistence;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Ui.Tests;

/// <summary>
/// Replays and discards through the REST API are in the audit log like the admin UI's, with the API key's name as the
/// actor; a refused one (not in 'failed') is not.
/// </summary>
public sealed class FailedMessagesApiAuditTests : IDisposable
{
    private const string ApiKey = "the-operations-robot-key";

    private readonly string _directory = Directory.CreateTempSubdirectory("hub-replay-audit-").FullName;
    private readonly WebApplicationFactory<Program> _factory;

    public FailedMessagesApiAuditTests()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Production");
            b.UseSetting("Hub:Database:ConnectionString", $"Data Source={Path.Combine(_directory, "hub.db")}");
            b.UseSetting("Hub:ApiKeys:ops-robot", ApiKey);
        });
    }

    public void Dispose()
    {
        _factory.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Replay_replay_all_and_discard_through_the_api_are_audited_with_the_key_name()
    {
        using var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        var replayed = await AddFailedAsync(1);
        var discarded = await AddFailedAsync(2);

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, $"{replayed}/replay")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, $"{discarded}/discard")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await PostAsync(client, $"{discarded}/discard")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, "replay")).StatusCode);

        using var scope = _factory.Services.CreateScope();
        var entries = await scope.ServiceProvider.GetRequiredService<HubDbContext>().AuditEntries.AsNoTracking().OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(
            [
                ("ops-robot", AuditActions.FailedMessageReplayed, $"{replayed}", "hub-sync-nowhere"),
                ("ops-robot", AuditActions.FailedMessageDiscarded, $"{discarded}", "hub-sync-nowhere"),
                ("ops-robot", AuditActions.FailedMessageReplayed, "all", "0 messages"),
            ],
            entries.Select(e => (e.Actor, e.Action, e.Subject, e.Detail)));
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path)
    {
        var response = await client.PostAsync(new Uri($"/api/operations/failed-messages/{path}", UriKind.Relative), null);
        response.Dispose();
        return response;
    }

    private async Task<long> AddFailedAsync(int n)
    {
        var customerId = Guid.NewGuid();
        var message = new CustomerUpdated
        {
            CustomerId = customerId,
            Version = 1,
            ChangedFields = ["name"],
            Customer = new CustomerSnapshot
            {
                Id = customerId, Version = 1, Identifiers = [], Fields = new Dictionary<string, CustomerFieldValue>(),
                CreatedAt = DateTimeOffset.UnixEpoch, UpdatedAt = DateTimeOffset.UnixEpoch,
            },
            OccurredAt = DateTimeOffset.UnixEpoch,
        };
        using var scope = _factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var row = new FailedMessageRow
        {
            Fingerprint = $"fingerprint-{n}", Queue = "hub-sync-nowhere", MessageType = nameof(CustomerUpdated), MessageId = Guid.NewGuid(),
            Body = JsonSerializer.Serialize(message, JsonSerializerOptions.Web), Headers = "{}", ExceptionType = "System.TimeoutException",
            ExceptionMessage = "the target did not answer", FirstFailedAt = DateTimeOffset.UnixEpoch, LastFailedAt = DateTimeOffset.UnixEpoch,
            Attempts = 5, Status = FailedMessageStatus.Failed,
        };
        db.FailedMessages.Add(row);
        await db.SaveChangesAsync();
        return row.Id;
    }
}
