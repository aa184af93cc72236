using System.Globalization;
using System.Text;
using Hub.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Hub.Integration.Tests.Persistence;

/// <summary>
/// The rows a resolution group appends and updates are written with hand-built INSERTs and UPDATEs, not by EF. Stored,
/// they must be exactly what EF stores (every column, every type, on both providers), in the order they were added, all
/// of them (more than one statement holds), and a failure or a concurrency token that changed must look like
/// SaveChanges' failure so the group is retried.
/// </summary>
public sealed class ResolutionRowsTests : IDisposable
{
    private const int Rows = 150;
    private static readonly DateTimeOffset Start = new(2026, 3, 4, 5, 6, 7, TimeSpan.FromHours(2));
    private readonly ScratchDatabases _databases = new();

    public static TheoryData<string> Providers => ScratchDatabases.Providers;

    public void Dispose() => _databases.Dispose();

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Rows_inserted_by_hand_are_stored_exactly_as_EF_stores_them(string provider)
    {
        var byEf = await _databases.NewMigratedAsync(provider, "append-ef");
        var byHand = await _databases.NewMigratedAsync(provider, "append-hand");

        await using (var db = byEf())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            AddGroup(db);
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }
        AppendedRows appended;
        await using (var db = byHand())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            AddGroup(db);
            appended = await ResolutionRows.SaveChangesAsync(db, CancellationToken.None);
            Assert.DoesNotContain(db.ChangeTracker.Entries(), e => e.Entity is TimelineEntryRow or IdentityLinkRow or OutboxMessageRow);
            await transaction.CommitAsync();
        }

        Assert.Equal([Rows, Rows, Rows], new[] { appended.Timeline.Count, appended.IdentityLinks.Count, appended.Outbox.Count });
        foreach (var (table, order) in new[]
                 {
                     ("timeline", "\"TouchpointId\""), ("identity_links", "\"TouchpointId\", \"Type\", \"Value\""),
                     ("outbox", "\"Id\""), ("customers", "\"Id\""),
                 })
        {
            var expected = await DumpAsync(byEf, table, order);
            Assert.Equal(table == "customers" ? 1 : Rows, expected.Count);
            Assert.Equal(expected, await DumpAsync(byHand, table, order));
        }
        // The outbox keeps the order the messages were added in (the relay publishes by id).
        await using var read = byHand();
        Assert.Equal(
            Enumerable.Range(0, Rows).Select(i => $"{{\"n\":{i}}}"),
            await read.Outbox.OrderBy(m => m.Id).Select(m => m.Body).ToListAsync());
        // The ids the inserts returned are the rows' (the relay marks handed-over rows sent by them).
        Assert.Equal(await read.Outbox.OrderBy(m => m.Id).Select(m => m.Id).ToListAsync(), appended.OutboxIds.Order());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Rows_updated_by_hand_are_stored_exactly_as_EF_stores_them_and_stay_tracked_unchanged(string provider)
    {
        var byEf = await _databases.NewMigratedAsync(provider, "update-ef");
        var byHand = await _databases.NewMigratedAsync(provider, "update-hand");
        await SeedCustomersAsync(byEf);
        await SeedCustomersAsync(byHand);

        await using (var db = byEf())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await ChangeCustomersAsync(db);
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }
        await using (var db = byHand())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await ChangeCustomersAsync(db);
            await ResolutionRows.SaveChangesAsync(db, CancellationToken.None);
            Assert.False(db.ChangeTracker.HasChanges(), "rows written by hand are still tracked as changed");
            Assert.Equal(0, await db.SaveChangesAsync());
            await transaction.CommitAsync();
        }

        foreach (var (table, order) in new[]
                 {
                     ("customers", "\"Id\""), ("customer_fields", "\"CustomerId\", \"Name\""), ("customer_health", "\"CustomerId\""),
                     ("timeline", "\"TouchpointId\""),
                 })
        {
            var expected = await DumpAsync(byEf, table, order);
            Assert.NotEmpty(expected);
            Assert.Equal(expected, await DumpAsync(byHand, table, order));
        }
        await using var read = byHand();
        Assert.Equal(SeededCustomers, await read.Customers.CountAsync(c => c.Version == 2));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task An_update_sets_only_the_columns_the_group_changed_as_EF_does(string provider)
    {
        var open = await _databases.NewMigratedAsync(provider, "update-columns");
        await SeedCustomersAsync(open);
        await using var db = open();
        var health = await db.CustomerHealth.OrderBy(h => h.CustomerId).ToListAsync();
        var changedMeanwhile = health[SeededCustomers / 2].CustomerId;
        await using (var other = open())
        {
            var row = await other.CustomerHealth.SingleAsync(h => h.CustomerId == changedMeanwhile);
            row.OpenCases = 7;
            row.MedianResponseSeconds = 3600;
            await other.SaveChangesAsync();
        }

        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            foreach (var row in health)
            {
                row.UnansweredMessages = 5;
            }
            await ResolutionRows.SaveChangesAsync(db, CancellationToken.None);
            await transaction.CommitAsync();
        }

        await using var read = open();
        var stored = await read.CustomerHealth.SingleAsync(h => h.CustomerId == changedMeanwhile);
        Assert.Equal((5, 7, 3600L), (stored.UnansweredMessages, stored.OpenCases, stored.MedianResponseSeconds));
        Assert.Equal(SeededCustomers, await read.CustomerHealth.CountAsync(h => h.UnansweredMessages == 5));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_customer_another_transaction_changed_since_it_was_read_fails_the_group_as_SaveChanges_does(string provider)
    {
        var open = await _databases.NewMigratedAsync(provider, "update-clash");
        await SeedCustomersAsync(open);
        await using var db = open();
        var customers = await db.Customers.Include(c => c.Fields).OrderBy(c => c.Id).ToListAsync();
        var changedMeanwhile = customers[SeededCustomers / 2].Id;
        await using (var other = open())
        {
            var row = await other.Customers.SingleAsync(c => c.Id == changedMeanwhile);
            row.Version = 41;
            row.Stamp = Guid.Parse("0195f2a0-0000-7000-8000-0000000000ff");
            await other.SaveChangesAsync();
        }

        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            foreach (var customer in customers)
            {
                customer.Version++;
                customer.Stamp = Guid.NewGuid();
            }
            db.Timeline.Add(Timeline(8));
            var failure = await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => ResolutionRows.SaveChangesAsync(db, CancellationToken.None));
            Assert.True(CustomerGraphTransactions.LostToConcurrentWrite(failure));
            Assert.Contains(changedMeanwhile.ToString(), failure.Message, StringComparison.OrdinalIgnoreCase);
        }

        await using var read = open();
        Assert.Equal(0, await read.Timeline.CountAsync());
        Assert.Equal(41, (await read.Customers.SingleAsync(c => c.Id == changedMeanwhile)).Version);
        Assert.Equal(SeededCustomers - 1, await read.Customers.CountAsync(c => c.Version == 1));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_key_another_transaction_took_fails_as_SaveChanges_fails_and_leaves_nothing_behind(string provider)
    {
        var open = await _databases.NewMigratedAsync(provider, "append-clash");
        var taken = Timeline(7);
        await using (var db = open())
        {
            db.Timeline.Add(taken);
            await db.SaveChangesAsync();
        }

        await using (var db = open())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            AddGroup(db);
            var failure = await Assert.ThrowsAsync<DbUpdateException>(() => ResolutionRows.SaveChangesAsync(db, CancellationToken.None));
            Assert.True(CustomerGraphTransactions.LostToConcurrentWrite(failure));
            Assert.Contains("timeline", failure.Message, StringComparison.Ordinal);
        }

        await using var read = open();
        Assert.Equal(1, await read.Timeline.CountAsync());
        Assert.Equal(0, await read.Customers.CountAsync());
        Assert.Equal(0, await read.IdentityLinks.CountAsync());
        Assert.Equal(0, await read.Outbox.CountAsync());
    }

    [Fact]
    public async Task Outside_a_transaction_nothing_is_written_and_the_caller_is_told_why()
    {
        var open = await _databases.NewMigratedAsync("sqlite", "append-no-transaction");
        await using (var db = open())
        {
            AddGroup(db);
            var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => ResolutionRows.SaveChangesAsync(db, CancellationToken.None));
            Assert.Contains("transaction", failure.Message, StringComparison.Ordinal);
        }
        await using var read = open();
        Assert.Equal(0, await read.Customers.CountAsync());
        Assert.Equal(0, await read.Timeline.CountAsync());
    }

    private const int SeededCustomers = 40;

    /// <summary>Customers at version 1, each with two fields and a health row.</summary>
    private static async Task SeedCustomersAsync(Func<HubDbContext> open)
    {
        await using var db = open();
        for (var i = 0; i < SeededCustomers; i++)
        {
            var customer = new CustomerRow { Id = CustomerId(i), Version = 1, CreatedAt = Start, UpdatedAt = Start, Stamp = CustomerId(1000 + i) };
            customer.Fields.Add(new CustomerFieldRow { CustomerId = customer.Id, Name = "name", Value = $"Kundin {i}", Source = "crm1", ObservedAt = Start });
            customer.Fields.Add(new CustomerFieldRow { CustomerId = customer.Id, Name = "email", Value = $"k{i}@example.org", Source = "crm1", ObservedAt = Start });
            db.Customers.Add(customer);
            db.CustomerHealth.Add(new CustomerHealthRow { CustomerId = customer.Id, State = [1, 2, 3], LastContactAt = Start, OpenCases = 1, Responses = 2, MedianResponseSeconds = 60 });
        }
        await db.SaveChangesAsync();
    }

    /// <summary>What a group does to stored customers: new versions and stamps, observations, fields and health changed, a field added and one removed, a timeline entry appended.</summary>
    private static async Task ChangeCustomersAsync(HubDbContext db)
    {
        var customers = await db.Customers.Include(c => c.Fields).OrderBy(c => c.Id).ToListAsync();
        var health = await db.CustomerHealth.ToDictionaryAsync(h => h.CustomerId);
        for (var i = 0; i < customers.Count; i++)
        {
            var customer = customers[i];
            customer.Version++;
            customer.UpdatedAt = Start.AddTicks(i * 7_654_321);
            customer.Stamp = CustomerId(2000 + i);
            customer.MergedIntoId = i % 9 == 8 ? customers[0].Id : null;
            customer.Tainted = i % 5 == 0;
            customer.Observations.Add(new StoredObservation { Field = "name", Source = "crm1", Value = $"Kundin „{i}“", Count = i, LastObservedAt = Start.AddSeconds(i) });
            var name = customer.Fields.Single(f => f.Name == "name");
            name.Value = $"Kundin „{i}“";
            name.ObservedAt = Start.ToOffset(TimeSpan.FromHours(-5)).AddSeconds(i);
            if (i % 4 == 0)
            {
                customer.Fields.Add(new CustomerFieldRow { CustomerId = customer.Id, Name = "company", Value = "Example GmbH", Source = "twilio1", ObservedAt = Start });
            }
            if (i % 6 == 0)
            {
                db.Remove(customer.Fields.Single(f => f.Name == "email"));
            }
            var row = health[customer.Id];
            row.State = [(byte)i, 9];
            row.LastContactAt = i % 3 == 0 ? null : Start.AddMinutes(i);
            row.AwaitingReplySince = i % 2 == 0 ? Start.AddMinutes(-i) : null;
            row.UnansweredMessages = i;
            row.MedianResponseSeconds = i % 7 == 0 ? null : 60 + i;
            row.LastResponseSeconds = i;
        }
        db.Timeline.Add(Timeline(4));
    }

    private static Guid CustomerId(int i) => Guid.Parse($"0195f2a0-0000-7000-8000-c{i:x11}");

    /// <summary>A group's rows: every column filled somewhere and left empty somewhere, plus one row EF writes itself.</summary>
    private static void AddGroup(HubDbContext db)
    {
        db.Customers.Add(new CustomerRow { Id = Guid.Parse("0195f2a0-0000-7000-8000-0000000000c1"), CreatedAt = Start, UpdatedAt = Start, Stamp = Guid.Parse("0195f2a0-0000-7000-8000-0000000000c2") });
        for (var i = 0; i < Rows; i++)
        {
            db.Timeline.Add(Timeline(i));
            db.IdentityLinks.Add(new IdentityLinkRow { TouchpointId = TouchpointId(i), Type = i % 2 == 0 ? "email" : "phone", Value = $"ünïcode-{i}@example.org", OccurredAt = Start.AddTicks(i * 1_234_567) });
            db.Outbox.Add(new OutboxMessageRow
            {
                MessageType = "CustomerUpdated",
                Body = $"{{\"n\":{i}}}",
                CreatedAt = Start.AddMilliseconds(i),
                TraceParent = i % 3 == 0 ? null : $"00-{i:x32}-{i:x16}-01",
            });
        }
    }

    private static TimelineEntryRow Timeline(int i) => new()
    {
        TouchpointId = TouchpointId(i),
        CustomerId = i % 4 == 0 ? null : Guid.Parse("0195f2a0-0000-7000-8000-0000000000c1"),
        ConnectorInstanceId = "crm1",
        SourceEventId = $"evt-{i}",
        Channel = "crm",
        Type = "contact.updated",
        Direction = "inbound",
        // Ticks below a microsecond, other offsets: each provider keeps what it keeps, the same way both times.
        OccurredAt = Start.AddTicks(i * 7_654_321),
        ReceivedAt = Start.ToOffset(TimeSpan.FromHours(-5)).AddSeconds(i),
        RecordedAt = Start.AddMinutes(1).AddTicks(i),
        Summary = i % 5 == 0 ? null : $"Anruf „{i}“ ✓",
        ContentReference = i % 2 == 0 ? null : $"https://example.org/recordings/{i}",
        Body = $"{{\"touchpoint\":{i},\"text\":\"{new string('x', i)}\"}}",
        WithdrawsTouchpointId = i % 10 == 9 ? TouchpointId(i - 1) : null,
        Withdrawn = i % 7 == 0,
    };

    private static Guid TouchpointId(int i) => Guid.Parse($"0195f2a0-0000-7000-8000-{i:x12}");


    /// <summary>Every stored value with its provider type, as text, row by row.</summary>
    private static async Task<List<string>> DumpAsync(Func<HubDbContext> open, string table, string order)
    {
        await using var db = open();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM {table} ORDER BY {order}";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            var row = new StringBuilder();
            for (var i = 0; i < reader.FieldCount; i++)
            {
                var value = reader.GetValue(i);
                row.Append(reader.GetName(i)).Append('=').Append(value.GetType().Name).Append(':')
                    .Append(value is DateTime at ? at.Ticks.ToString(CultureInfo.InvariantCulture) : Convert.ToString(value, CultureInfo.InvariantCulture)).Append(" | ");
            }
            rows.Add(row.ToString());
        }
        return rows;
    }
}
