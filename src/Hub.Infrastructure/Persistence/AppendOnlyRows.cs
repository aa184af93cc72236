using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Hub.Infrastructure.Persistence;

/// <summary>
/// Saves a resolution group: the rows it only appends (timeline entries, identity links, outbox messages; a few
/// hundred of each) are inserted by hand, everything else goes through EF's SaveChanges. EF plans, generates and
/// parameterises one INSERT per tracked row, which made SaveChanges the largest part of a group's time; here the
/// statement is built once per table (and row count) from the same model and filled through EF's own type mappings,
/// so SQLite's UTC ticks and PostgreSQL's timestamptz come out exactly as EF writes them. On PostgreSQL the rows go in
/// as multi-row INSERTs (few round trips); on SQLite as one prepared one-row INSERT run per row. The rows leave the
/// change tracker: what is written is final.
/// </summary>
internal static class AppendOnlyRows
{
    /// <summary>PostgreSQL takes up to 65,535 parameters per statement, SQLite 32,766; a few hundred keep statements small.</summary>
    private const int ParametersPerStatement = 900;

    private static readonly ConcurrentDictionary<IEntityType, TableShape> Shapes = new();

    /// <summary>
    /// Runs SaveChanges for the other tracked changes, then inserts the added timeline entries, identity links and outbox
    /// messages, in the order they were added, inside the caller's transaction. A failed insert is reported as
    /// <see cref="DbUpdateException"/>, as SaveChanges reports it, so a group that lost a race is retried the same way.
    /// </summary>
    public static async Task<AppendedRows> SaveChangesAsync(HubDbContext db, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("The append-only rows are written in the caller's transaction; begin one first.");
        }
        var appended = new AppendedRows(Take<TimelineEntryRow>(db), Take<IdentityLinkRow>(db), Take<OutboxMessageRow>(db));
        await db.SaveChangesAsync(cancellationToken);
        await InsertAsync(db, appended.Timeline, cancellationToken);
        await InsertAsync(db, appended.IdentityLinks, cancellationToken);
        await InsertAsync(db, appended.Outbox, cancellationToken);
        return appended;
    }

    /// <summary>The added rows of one type, no longer tracked.</summary>
    private static List<T> Take<T>(HubDbContext db)
        where T : class
    {
        var added = db.ChangeTracker.AsTracked<T>().Where(e => e.State == EntityState.Added).ToList();
        foreach (var entry in added)
        {
            entry.State = EntityState.Detached;
        }
        return [.. added.Select(e => e.Entity)];
    }

    private static async Task InsertAsync<T>(HubDbContext db, List<T> rows, CancellationToken cancellationToken)
        where T : class
    {
        if (rows.Count == 0)
        {
            return;
        }
        var sql = db.GetService<ISqlGenerationHelper>();
        var shape = Shapes.GetOrAdd(db.Model.FindEntityType(typeof(T))!, TableShape.Of, sql);
        // SQLite runs in the process: a prepared one-row INSERT run once per row costs no round trip, and SQLite finds
        // each named parameter by a linear search, which makes statements with hundreds of parameters slower instead.
        var rowsPerStatement = db.Database.IsSqlite() ? 1 : shape.RowsPerStatement;
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        for (var start = 0; start < rows.Count; start += rowsPerStatement)
        {
            var count = Math.Min(rowsPerStatement, rows.Count - start);
            // The same text again keeps the statement the provider prepared for it.
            command.CommandText = shape.InsertSql(count);
            command.Parameters.Clear();
            var position = 0;
            for (var row = start; row < start + count; row++)
            {
                foreach (var column in shape.Columns)
                {
                    command.Parameters.Add(column.Mapping.CreateParameter(
                        command, shape.ParameterNames[position++], column.Getter.GetClrValueUsingContainingEntity(rows[row]), column.Nullable));
                }
            }
            try
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (DbException e)
            {
                throw new DbUpdateException($"Inserting {count} rows into {shape.Table} failed: {e.Message}", e);
            }
        }
    }

    private sealed record Column(IClrPropertyGetter Getter, RelationalTypeMapping Mapping, bool Nullable);

    private sealed class TableShape(string table, string columnList, IReadOnlyList<Column> columns, ISqlGenerationHelper sql)
    {
        private readonly ConcurrentDictionary<int, string> _statements = new();

        public string Table => table;

        public IReadOnlyList<Column> Columns => columns;

        /// <summary>The most rows one statement takes, within <see cref="ParametersPerStatement"/>.</summary>
        public int RowsPerStatement { get; } = RowsWithin(columns.Count);

        /// <summary>The parameter names by position in a statement, built once: a group fills a few thousand.</summary>
        public string[] ParameterNames { get; } = [.. Enumerable.Range(0, RowsWithin(columns.Count) * columns.Count)
            .Select(position => sql.GenerateParameterName(Placeholder(position)))];

        private static int RowsWithin(int columnCount) => Math.Max(1, ParametersPerStatement / columnCount);

        private static string Placeholder(int position) => "p" + position;

        /// <summary>
        /// Every column the database does not generate itself: an integer key generated on add is the database's
        /// identity (the outbox's Id) and stays out; a Guid key was generated by EF when the row was added.
        /// </summary>
        public static TableShape Of(IEntityType type, ISqlGenerationHelper sql)
        {
            var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
            var properties = type.GetProperties().Where(p => !IsDatabaseIdentity(p)).ToList();
            var columns = properties.Select(p => new Column(p.GetGetter(), (RelationalTypeMapping)p.GetTypeMapping(), p.IsNullable)).ToList();
            var columnList = string.Join(", ", properties.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!)));
            return new TableShape(sql.DelimitIdentifier(table.Name, table.Schema), columnList, columns, sql);
        }

        private static bool IsDatabaseIdentity(IProperty property) =>
            property.IsKey() && property.ValueGenerated == ValueGenerated.OnAdd && (property.ClrType == typeof(long) || property.ClrType == typeof(int));

        public string InsertSql(int rows) => _statements.GetOrAdd(rows, count =>
        {
            var text = new StringBuilder($"INSERT INTO {table} ({columnList}) VALUES ");
            var name = 0;
            for (var row = 0; row < count; row++)
            {
                text.Append(row == 0 ? "(" : ", (");
                for (var column = 0; column < columns.Count; column++)
                {
                    text.Append(column == 0 ? "" : ", ").Append(sql.GenerateParameterNamePlaceholder(Placeholder(name++)));
                }
                text.Append(')');
            }
            return text.ToString();
        });
    }
}

/// <summary>What <see cref="AppendOnlyRows.SaveChangesAsync"/> inserted.</summary>
internal sealed record AppendedRows(List<TimelineEntryRow> Timeline, List<IdentityLinkRow> IdentityLinks, List<OutboxMessageRow> Outbox);
