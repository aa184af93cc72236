using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Hub.Infrastructure.Persistence;

/// <summary>
/// Saves a resolution group. The rows a group only appends (timeline entries, identity links, outbox messages) and the
/// rows it updates (customers, their fields, their health; a few hundred of each) are written by hand; everything else
/// goes through EF's SaveChanges. EF plans, generates and parameterises one statement per tracked row, which made
/// SaveChanges the largest part of a group's time; here each table's INSERT and UPDATE is built once from the same
/// model and filled through EF's own type mappings, so SQLite's UTC ticks and PostgreSQL's timestamptz come out
/// exactly as EF writes them. On PostgreSQL the inserts are multi-row statements and the updates one statement per
/// row, all in one batch (one round trip for the group's writes); on SQLite, which runs in the process, each is one
/// prepared statement run per row. An update sets the columns EF found modified, no others, and checks the row's concurrency token as EF does.
/// Appended rows leave the change tracker (what is written is final); updated rows stay tracked, unchanged. The ids the
/// database gave the outbox rows come back from the inserts (RETURNING), so the relay can publish them without reading
/// them again.
/// </summary>
internal static class ResolutionRows
{
    /// <summary>PostgreSQL takes up to 65,535 parameters per statement; a few hundred keep statements small.</summary>
    private const int ParametersPerStatement = 900;

    private static readonly ConcurrentDictionary<IEntityType, TableShape> Shapes = new();

    /// <summary>
    /// Inserts the added timeline entries, identity links and outbox messages (in the order they were added) and updates
    /// the modified customers, customer fields and health rows, inside the caller's transaction; SaveChanges writes the
    /// rest first. A failed statement is reported as <see cref="DbUpdateException"/>, and a row whose concurrency token
    /// changed as <see cref="DbUpdateConcurrencyException"/>, as SaveChanges reports them, so a group that lost a race is
    /// retried the same way.
    /// </summary>
    public static async Task<AppendedRows> SaveChangesAsync(HubDbContext db, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("The resolution group's rows are written in the caller's transaction; begin one first.");
        }
        // The states below must be final before rows are taken out of EF's hands.
        db.StoreObservations();
        db.ChangeTracker.DetectChanges();
        var appended = new AppendedRows(TakeAdded<TimelineEntryRow>(db), TakeAdded<IdentityLinkRow>(db), TakeAdded<OutboxMessageRow>(db), []);
        var customers = TakeModified<CustomerRow>(db);
        var fields = TakeModified<CustomerFieldRow>(db);
        var health = TakeModified<CustomerHealthRow>(db);
        // Changes were detected above and only states changed since: SaveChanges need not scan every tracked row again.
        var detecting = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = detecting;
        }
        if (!db.Database.IsSqlite())
        {
            appended.OutboxIds.AddRange(await WriteInOneBatchAsync(db, appended, customers, fields, health, cancellationToken));
            return appended;
        }
        await InsertAsync(db, appended.Timeline, cancellationToken);
        await InsertAsync(db, appended.IdentityLinks, cancellationToken);
        appended.OutboxIds.AddRange(await InsertAsync(db, appended.Outbox, cancellationToken));
        await UpdateAsync(db, customers, cancellationToken);
        await UpdateAsync(db, fields, cancellationToken);
        await UpdateAsync(db, health, cancellationToken);
        return appended;
    }

    /// <summary>
    /// PostgreSQL: every insert and update of the group in one batch, in the order SQLite runs them, so the group's
    /// writes cost one round trip instead of one per statement or table (under load each round trip also waits for the
    /// hub's and the server's turn on a busy core). Returns the outbox ids the inserts returned.
    /// </summary>
    private static async Task<List<long>> WriteInOneBatchAsync(
        HubDbContext db,
        AppendedRows appended,
        List<UpdatedRow<CustomerRow>> customers,
        List<UpdatedRow<CustomerFieldRow>> fields,
        List<UpdatedRow<CustomerHealthRow>> health,
        CancellationToken cancellationToken)
    {
        await using var factory = NewCommand(db);
        await using var batch = db.Database.GetDbConnection().CreateBatch();
        batch.Transaction = factory.Transaction;
        var updates = new List<(DbBatchCommand Statement, Action<int> EnsureUpdated)>();
        AddInserts(db, batch, factory, appended.Timeline);
        AddInserts(db, batch, factory, appended.IdentityLinks);
        AddInserts(db, batch, factory, appended.Outbox);
        AddUpdates(db, batch, factory, customers, updates);
        AddUpdates(db, batch, factory, fields, updates);
        AddUpdates(db, batch, factory, health, updates);
        var generated = new List<long>();
        if (batch.BatchCommands.Count == 0)
        {
            return generated;
        }
        await ExecuteAsync(async () =>
        {
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            do
            {
                // Only the inserts into a table with an identity key return rows (RETURNING).
                while (reader.FieldCount > 0 && await reader.ReadAsync(cancellationToken))
                {
                    generated.Add(reader.GetInt64(0));
                }
            }
            while (await reader.NextResultAsync(cancellationToken));
            return 0;
        }, $"Writing a group's {appended.Timeline.Count} timeline entries and {updates.Count} updated rows");
        foreach (var (statement, ensureUpdated) in updates)
        {
            ensureUpdated(statement.RecordsAffected);
        }
        return generated;
    }

    private static void AddInserts<T>(HubDbContext db, DbBatch batch, DbCommand factory, List<T> rows)
        where T : class
    {
        var shape = ShapeOf<T>(db);
        for (var start = 0; start < rows.Count; start += shape.RowsPerInsert)
        {
            var count = Math.Min(shape.RowsPerInsert, rows.Count - start);
            var statement = batch.CreateBatchCommand();
            statement.CommandText = shape.InsertSql(count);
            var position = 0;
            for (var row = start; row < start + count; row++)
            {
                foreach (var column in shape.Inserted)
                {
                    statement.Parameters.Add(column.Parameter(factory, shape.ParameterNames[position++], column.Value(rows[row])));
                }
            }
            batch.BatchCommands.Add(statement);
        }
    }

    private static void AddUpdates<T>(HubDbContext db, DbBatch batch, DbCommand factory, List<UpdatedRow<T>> rows, List<(DbBatchCommand, Action<int>)> updates)
        where T : class
    {
        var shape = ShapeOf<T>(db);
        foreach (var row in rows)
        {
            var statement = batch.CreateBatchCommand();
            statement.CommandText = shape.UpdateSql(row.Modified);
            AddUpdateParameters(shape, factory, statement.Parameters, row);
            batch.BatchCommands.Add(statement);
            updates.Add((statement, updated => EnsureUpdated(shape, updated, row)));
        }
    }

    /// <summary>The added rows of one type, no longer tracked.</summary>
    private static List<T> TakeAdded<T>(HubDbContext db)
        where T : class
    {
        var added = db.ChangeTracker.AsTracked<T>().Where(e => e.State == EntityState.Added).ToList();
        foreach (var entry in added)
        {
            entry.State = EntityState.Detached;
        }
        return [.. added.Select(e => e.Entity)];
    }

    /// <summary>
    /// The modified rows of one type with the concurrency tokens they were read with; EF then tracks them as unchanged,
    /// at their new values, so SaveChanges leaves them to <see cref="UpdateAsync"/>.
    /// </summary>
    private static List<UpdatedRow<T>> TakeModified<T>(HubDbContext db)
        where T : class
    {
        var shape = ShapeOf<T>(db);
        var modified = new List<UpdatedRow<T>>();
        foreach (var entry in db.ChangeTracker.AsTracked<T>().Where(e => e.State == EntityState.Modified))
        {
            modified.Add(new UpdatedRow<T>(entry.Entity, shape.ModifiedColumns(entry), [.. shape.Tokens.Select(token => entry.OriginalValues[token.Property])]));
            entry.OriginalValues.SetValues(entry.CurrentValues);
            entry.State = EntityState.Unchanged;
        }
        return modified;
    }

    private static TableShape ShapeOf<T>(HubDbContext db) =>
        Shapes.GetOrAdd(db.Model.FindEntityType(typeof(T))!, TableShape.Of, db.GetService<ISqlGenerationHelper>());

    /// <summary>
    /// SQLite: inserts the rows; returns the keys the database generated (a table with an identity key), in no particular
    /// order. SQLite runs in the process: a prepared one-row INSERT run once per row costs no round trip, and SQLite finds
    /// each named parameter by a linear search, which makes statements with hundreds of parameters slower instead.
    /// </summary>
    private static async Task<List<long>> InsertAsync<T>(HubDbContext db, List<T> rows, CancellationToken cancellationToken)
        where T : class
    {
        var generated = new List<long>();
        if (rows.Count == 0)
        {
            return generated;
        }
        var shape = ShapeOf<T>(db);
        await using var command = NewCommand(db);
        // The same text for every row keeps the statement prepared for it.
        command.CommandText = shape.InsertSql(1);
        foreach (var row in rows)
        {
            command.Parameters.Clear();
            var position = 0;
            foreach (var column in shape.Inserted)
            {
                command.Parameters.Add(column.Parameter(command, shape.ParameterNames[position++], column.Value(row)));
            }
            if (shape.Identity is null)
            {
                await ExecuteAsync(() => command.ExecuteNonQueryAsync(cancellationToken), $"Inserting a row into {shape.Table}");
                continue;
            }
            await ExecuteAsync(async () =>
            {
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    generated.Add(reader.GetInt64(0));
                }
                return 0;
            }, $"Inserting a row into {shape.Table}");
        }
        return generated;
    }

    /// <summary>
    /// SQLite: sets the columns the group changed, as EF does: a column another transaction changed meanwhile keeps its
    /// value (customer_health has no concurrency token), and SQLite, which rewrites an index entry whenever its column is
    /// assigned, even to the value it had, leaves the indexes of unchanged columns alone. Rows that changed the same
    /// columns share one statement text.
    /// </summary>
    private static async Task UpdateAsync<T>(HubDbContext db, List<UpdatedRow<T>> rows, CancellationToken cancellationToken)
        where T : class
    {
        if (rows.Count == 0)
        {
            return;
        }
        var shape = ShapeOf<T>(db);
        await using var command = NewCommand(db);
        foreach (var sameColumns in rows.GroupBy(r => r.Modified))
        {
            // The same text for a run of rows keeps the statement prepared for it.
            command.CommandText = shape.UpdateSql(sameColumns.Key);
            foreach (var row in sameColumns)
            {
                command.Parameters.Clear();
                AddUpdateParameters(shape, command, command.Parameters, row);
                var updated = await ExecuteAsync(() => command.ExecuteNonQueryAsync(cancellationToken), $"Updating a row of {shape.Table}");
                EnsureUpdated(shape, updated, row);
            }
        }
    }

    private static DbCommand NewCommand(HubDbContext db)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        return command;
    }

    /// <summary>The modified columns' new values, then the key and the tokens the row was read with; <paramref name="factory"/> only makes the parameters.</summary>
    private static void AddUpdateParameters<T>(TableShape shape, DbCommand factory, DbParameterCollection parameters, UpdatedRow<T> row)
        where T : class
    {
        var position = 0;
        foreach (var column in shape.AssignedIn(row.Modified).Concat(shape.Keys))
        {
            parameters.Add(column.Parameter(factory, shape.ParameterNames[position++], column.Value(row.Entity)));
        }
        for (var token = 0; token < shape.Tokens.Count; token++)
        {
            parameters.Add(shape.Tokens[token].Parameter(factory, shape.ParameterNames[position++], row.Tokens[token]));
        }
    }

    /// <summary>Runs a statement; a database error becomes the <see cref="DbUpdateException"/> SaveChanges would have thrown.</summary>
    private static async Task<int> ExecuteAsync(Func<Task<int>> execute, string what)
    {
        try
        {
            return await execute();
        }
        catch (DbException e)
        {
            throw new DbUpdateException($"{what} failed: {e.Message}", e);
        }
    }

    private static void EnsureUpdated<T>(TableShape shape, int updated, UpdatedRow<T> row)
        where T : class
    {
        if (updated != 1)
        {
            var key = string.Join(", ", shape.Keys.Select(k => k.Value(row.Entity)));
            throw new DbUpdateConcurrencyException(
                $"The row ({key}) of {shape.Table} was changed or deleted by another transaction since it was read; nothing of the group is kept.");
        }
    }

    /// <param name="Entity">The row at its new values.</param>
    /// <param name="Modified">The modified columns, one bit per position in <see cref="TableShape.Assigned"/>.</param>
    /// <param name="Tokens">The concurrency tokens as the row was read.</param>
    private sealed record UpdatedRow<T>(T Entity, ulong Modified, object?[] Tokens);

    private sealed record Column(IProperty Property, IClrPropertyGetter Getter, RelationalTypeMapping Mapping)
    {
        public object? Value(object entity) => Getter.GetClrValueUsingContainingEntity(entity);

        public DbParameter Parameter(DbCommand factory, string name, object? value) =>
            Mapping.CreateParameter(factory, name, value, Property.IsNullable);
    }

    private sealed class TableShape
    {
        private readonly ConcurrentDictionary<int, string> _inserts = new();
        private readonly ConcurrentDictionary<ulong, string> _updates = new();
        private readonly string _columnList;
        private readonly Func<Column, string> _columnName;
        private readonly ISqlGenerationHelper _sql;

        private TableShape(string table, IReadOnlyList<Column> inserted, IReadOnlyList<Column> keys, IReadOnlyList<Column> assigned,
            IReadOnlyList<Column> tokens, Column? identity, Func<Column, string> columnName, ISqlGenerationHelper sql)
        {
            Table = table;
            Identity = identity;
            Inserted = inserted;
            Keys = keys;
            Assigned = assigned;
            Tokens = tokens;
            _sql = sql;
            _columnName = columnName;
            _columnList = string.Join(", ", inserted.Select(columnName));
            if (assigned.Count > 64)
            {
                throw new NotSupportedException($"{table} has {assigned.Count} columns besides its key; a row's modified columns are kept in 64 bits.");
            }
            RowsPerInsert = Math.Max(1, ParametersPerStatement / inserted.Count);
            var parameters = Math.Max(RowsPerInsert * inserted.Count, assigned.Count + keys.Count + tokens.Count);
            ParameterNames = [.. Enumerable.Range(0, parameters).Select(position => sql.GenerateParameterName(Placeholder(position)))];
        }

        public string Table { get; }

        /// <summary>The key the database generates on insert, which the insert returns; null when EF generates the key.</summary>
        public Column? Identity { get; }

        /// <summary>Every column the database does not generate itself, in the order of <see cref="InsertSql"/>.</summary>
        public IReadOnlyList<Column> Inserted { get; }

        public IReadOnlyList<Column> Keys { get; }

        /// <summary>Every column but the key, as an update sets them.</summary>
        public IReadOnlyList<Column> Assigned { get; }

        /// <summary>The concurrency tokens, compared with the values the row was read with.</summary>
        public IReadOnlyList<Column> Tokens { get; }

        /// <summary>The most rows one INSERT takes, within <see cref="ParametersPerStatement"/>.</summary>
        public int RowsPerInsert { get; }

        /// <summary>The parameter names by position in a statement, built once: a group fills a few thousand.</summary>
        public string[] ParameterNames { get; }

        /// <summary>The columns of <see cref="Assigned"/> that EF found modified in <paramref name="entry"/>, as bits.</summary>
        public ulong ModifiedColumns(EntityEntry entry)
        {
            var modified = 0UL;
            for (var column = 0; column < Assigned.Count; column++)
            {
                if (entry.Property(Assigned[column].Property).IsModified)
                {
                    modified |= 1UL << column;
                }
            }
            // EF marks a row modified with at least one column; should one come without, it is written whole, its token checked.
            return modified == 0 ? (Assigned.Count == 64 ? ulong.MaxValue : (1UL << Assigned.Count) - 1) : modified;
        }

        public IEnumerable<Column> AssignedIn(ulong modified) => Assigned.Where((_, column) => (modified & (1UL << column)) != 0);

        /// <summary>Sets the <paramref name="modified"/> columns, where the key and the concurrency tokens are as read.</summary>
        public string UpdateSql(ulong modified) => _updates.GetOrAdd(modified, columns =>
        {
            var position = 0;
            var set = string.Join(", ", AssignedIn(columns).Select(c => $"{_columnName(c)} = {Next()}"));
            var where = string.Join(" AND ", Keys.Concat(Tokens).Select(c => $"{_columnName(c)} = {Next()}"));
            return $"UPDATE {Table} SET {set} WHERE {where}";

            string Next() => _sql.GenerateParameterNamePlaceholder(Placeholder(position++));
        });

        /// <summary>
        /// An integer key generated on add is the database's identity (the outbox's Id) and stays out of inserts; a Guid
        /// key was generated by EF when the row was added.
        /// </summary>
        public static TableShape Of(IEntityType type, ISqlGenerationHelper sql)
        {
            var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
            var properties = type.GetProperties().ToList();
            var columns = properties.ToDictionary(p => p, p => new Column(p, p.GetGetter(), (RelationalTypeMapping)p.GetTypeMapping()));
            return new TableShape(
                sql.DelimitIdentifier(table.Name, table.Schema),
                [.. properties.Where(p => !IsDatabaseIdentity(p)).Select(p => columns[p])],
                [.. properties.Where(p => p.IsPrimaryKey()).Select(p => columns[p])],
                [.. properties.Where(p => !p.IsPrimaryKey()).Select(p => columns[p])],
                [.. properties.Where(p => p.IsConcurrencyToken).Select(p => columns[p])],
                properties.Where(IsDatabaseIdentity).Select(p => columns[p]).SingleOrDefault(),
                c => sql.DelimitIdentifier(c.Property.GetColumnName(table)!),
                sql);
        }

        private static bool IsDatabaseIdentity(IProperty property) =>
            property.IsKey() && property.ValueGenerated == ValueGenerated.OnAdd && (property.ClrType == typeof(long) || property.ClrType == typeof(int));

        private static string Placeholder(int position) => "p" + position;

        public string InsertSql(int rows) => _inserts.GetOrAdd(rows, count =>
        {
            var text = new StringBuilder($"INSERT INTO {Table} ({_columnList}) VALUES ");
            var name = 0;
            for (var row = 0; row < count; row++)
            {
                text.Append(row == 0 ? "(" : ", (");
                for (var column = 0; column < Inserted.Count; column++)
                {
                    text.Append(column == 0 ? "" : ", ").Append(_sql.GenerateParameterNamePlaceholder(Placeholder(name++)));
                }
                text.Append(')');
            }
            if (Identity is not null)
            {
                text.Append(" RETURNING ").Append(_columnName(Identity));
            }
            return text.ToString();
        });
    }
}

/// <summary>
/// What <see cref="ResolutionRows.SaveChangesAsync"/> inserted: <paramref name="Timeline"/>, <paramref name="IdentityLinks"/>
/// and <paramref name="Outbox"/>, and <paramref name="OutboxIds"/>, the ids the database gave the outbox rows (not necessarily in their order).
/// </summary>
internal sealed record AppendedRows(List<TimelineEntryRow> Timeline, List<IdentityLinkRow> IdentityLinks, List<OutboxMessageRow> Outbox, List<long> OutboxIds);
