using Hub.Contracts.Connectors;
using Hub.Contracts.Customers;
using Hub.Infrastructure.Consent;
using Hub.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace Hub.Integration.Tests.Privacy;

/// <summary>
/// The gate every outbound message passes, with a test e-mail sender (the e-mail connector is built elsewhere):
/// a blocked message never reaches the sender, a service reply to the customer's own e-mail does.
/// </summary>
public sealed class OutboundConsentGateTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly ConnectorInstance Mailbox = new("mail1", "email", new ConnectorSettings([]));
    private readonly string _directory = Directory.CreateTempSubdirectory("hub-gate-").FullName;
    private readonly FakeTimeProvider _time = new(Now);
    private readonly TestEmailSender _sender = new();
    private SqliteHubDbContext _db = null!;

    public async Task InitializeAsync()
    {
        _db = new SqliteHubDbContext(new DbContextOptionsBuilder<SqliteHubDbContext>().UseSqlite($"Data Source={Path.Combine(_directory, "hub.db")}").Options);
        await _db.Database.MigrateAsync();
    }

    [Fact]
    public async Task A_marketing_email_to_a_customer_who_opted_out_is_blocked_and_never_reaches_the_sender()
    {
        var customerId = Guid.NewGuid();

        var gated = await SendAsync(customerId, Consent(("consent.email.marketing", "denied")), "marketing");

        Assert.False(gated.Decision.Allowed);
        Assert.Null(gated.Result);
        Assert.Contains("consent.email.marketing", gated.Decision.Reason, StringComparison.Ordinal);
        Assert.Empty(_sender.Sent);
    }

    [Fact]
    public async Task A_service_reply_to_the_customers_own_email_passes_a_denial_of_service_mail_but_not_of_the_whole_channel()
    {
        var customerId = Guid.NewGuid();
        await InboundEmailAsync(customerId, Now.AddHours(-2));

        var reply = await SendAsync(customerId, Consent(("consent.email.service", "denied")), "service");
        var channelDenied = await SendAsync(customerId, Consent(("consent.email", "revoked")), "service");

        Assert.True(reply.Decision.Allowed);
        Assert.True(reply.Result!.Sent);
        Assert.False(channelDenied.Decision.Allowed);
        Assert.Single(_sender.Sent);
    }

    [Fact]
    public async Task An_email_older_than_the_reply_window_makes_no_reply()
    {
        var customerId = Guid.NewGuid();
        await InboundEmailAsync(customerId, Now.AddDays(-3));

        var gated = await SendAsync(customerId, Consent(("consent.email.service", "denied")), "service");

        Assert.False(gated.Decision.Allowed);
        Assert.Empty(_sender.Sent);
    }

    private Task<GatedSend> SendAsync(Guid customerId, IReadOnlyDictionary<string, CustomerFieldValue> fields, string purpose) =>
        new OutboundConsentGate(_db, new ConsentOptions(), _time).SendAsync(
            _sender, Mailbox, customerId, fields, new OutboundMessage("ana@example.com", "Hello"), purpose, CancellationToken.None);

    private async Task InboundEmailAsync(Guid customerId, DateTimeOffset at)
    {
        _db.Timeline.Add(new TimelineEntryRow
        {
            TouchpointId = Guid.NewGuid(),
            CustomerId = customerId,
            ConnectorInstanceId = Mailbox.Id,
            SourceEventId = Guid.NewGuid().ToString(),
            Channel = "email",
            Type = "email.received",
            Direction = "inbound",
            OccurredAt = at,
            ReceivedAt = at,
            RecordedAt = at,
            Body = "{}",
        });
        await _db.SaveChangesAsync();
    }

    private static Dictionary<string, CustomerFieldValue> Consent(params (string Fact, string Status)[] statements) =>
        statements.ToDictionary(s => s.Fact, s => new CustomerFieldValue(s.Status, "crm1", Now.AddDays(-1)));

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private sealed class TestEmailSender : IMessageSender
    {
        public List<OutboundMessage> Sent { get; } = [];

        public string MessageChannel => "email";

        public string RecipientType => "email";

        public ValueTask<MessageSendResult> SendAsync(OutboundMessage message, ConnectorInstance instance, CancellationToken cancellationToken)
        {
            Sent.Add(message);
            return ValueTask.FromResult(new MessageSendResult(true, $"<{Sent.Count}@example.com>", null, "accepted"));
        }
    }
}
