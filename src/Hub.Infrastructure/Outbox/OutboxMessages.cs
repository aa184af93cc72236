using System.Text.Json;
using Hub.Contracts.Customers;
using Hub.Contracts.Touchpoints;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Telemetry;

namespace Hub.Infrastructure.Outbox;

/// <summary>
/// The project's own transactional outbox (MassTransit.EntityFrameworkCore is not in this registry):
/// a message is added to the same DbContext as the change it announces and leaves only once that commits.
/// </summary>
public static class OutboxMessages
{
    private static readonly Dictionary<string, Type> Types = new[] { typeof(CustomerUpdated), typeof(CustomerCreated), typeof(CustomersMerged), typeof(CustomerSplit), typeof(TouchpointAppended) }
        .ToDictionary(t => t.Name, StringComparer.Ordinal);

    public static void Add<T>(HubDbContext db, T message, DateTimeOffset now)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(db);
        if (!Types.ContainsKey(typeof(T).Name))
        {
            throw new ArgumentException($"{typeof(T).Name} is not a registered outbox message type.", nameof(message));
        }
        db.Outbox.Add(new OutboxMessageRow
        {
            MessageType = typeof(T).Name,
            Body = JsonSerializer.Serialize(message, JsonSerializerOptions.Web),
            CreatedAt = now,
            TraceParent = HubTelemetry.CurrentTraceParent(),
            Message = message,
        });
    }

    /// <summary>The row's message: the one it was written from where the row still has it, otherwise read from its body.</summary>
    internal static (object Message, Type Type) Read(OutboxMessageRow row) =>
        Types.TryGetValue(row.MessageType, out var type)
            ? (row.Message ?? JsonSerializer.Deserialize(row.Body, type, JsonSerializerOptions.Web)!, type)
            : throw new InvalidOperationException($"Outbox row {row.Id} has unknown message type '{row.MessageType}'.");
}
