using System.Runtime.CompilerServices;
using System.Text;
using Hub.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Hub.Infrastructure.Resolution;

/// <summary>
/// Moves the stored rows that point at customers merged during a resolution group (their timeline entries, and
/// customers merged into them earlier) to each one's final survivor: two statements for the whole group instead of two
/// per merge. A merge chain within the group (A into B, then B into C) ends at C for both.
/// Only rows already in the database are moved; the group's own new rows are tracked entities, which the resolver moves
/// in memory. Nothing in the group reads those columns before <see cref="ApplyAsync"/> runs.
/// </summary>
internal sealed class MergeRepointing
{
    // Two parameters per merge in each statement, well under SQLite's and PostgreSQL's limits.
    private const int MergesPerStatement = 400;

    private readonly Dictionary<Guid, Guid> _survivorOf = [];

    public void Merged(Guid mergedId, Guid survivorId)
    {
        foreach (var earlier in _survivorOf.Where(p => p.Value == mergedId).Select(p => p.Key).ToList())
        {
            _survivorOf[earlier] = survivorId;
        }
        _survivorOf[mergedId] = survivorId;
    }

    public async Task ApplyAsync(HubDbContext db, CancellationToken cancellationToken)
    {
        foreach (var merges in _survivorOf.Chunk(MergesPerStatement))
        {
            await db.Database.ExecuteSqlAsync(Repoint(db, merges, typeof(TimelineEntryRow), nameof(TimelineEntryRow.CustomerId)), cancellationToken);
            await db.Database.ExecuteSqlAsync(Repoint(db, merges, typeof(CustomerRow), nameof(CustomerRow.MergedIntoId)), cancellationToken);
        }
        _survivorOf.Clear();
    }

    /// <summary><c>UPDATE table SET column = CASE column WHEN merged THEN survivor ... END WHERE column IN (merged ...)</c>.</summary>
    private static FormattableString Repoint(HubDbContext db, KeyValuePair<Guid, Guid>[] merges, Type rowType, string propertyName)
    {
        var type = db.Model.FindEntityType(rowType)!;
        var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
        var property = type.FindProperty(propertyName)!;
        var sql = db.GetService<ISqlGenerationHelper>();
        var columnName = sql.DelimitIdentifier(property.GetColumnName(table)!);

        var format = new StringBuilder($"UPDATE {sql.DelimitIdentifier(table.Name, table.Schema)} SET {columnName} = CASE {columnName}");
        var arguments = new object[merges.Length * 2];
        for (var i = 0; i < merges.Length; i++)
        {
            arguments[2 * i] = merges[i].Key;
            arguments[(2 * i) + 1] = merges[i].Value;
            format.Append($" WHEN {{{2 * i}}} THEN {{{(2 * i) + 1}}}");
        }
        format.Append($" END WHERE {columnName} IN (");
        format.AppendJoin(", ", Enumerable.Range(0, merges.Length).Select(i => $"{{{2 * i}}}"));
        format.Append(')');
        return FormattableStringFactory.Create(format.ToString(), arguments);
    }
}
