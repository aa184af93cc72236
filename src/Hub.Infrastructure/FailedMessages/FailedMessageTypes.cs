using Hub.Contracts.Customers;
using Hub.Contracts.Touchpoints;
using MassTransit;

namespace Hub.Infrastructure.FailedMessages;

/// <summary>
/// The messages the hub's consumers take, by short name: what a failure is recorded as and replayed from.
/// A consumer of a new message type adds it here, or its failures stay in the broker's error queue only.
/// </summary>
internal static class FailedMessageTypes
{
    private static readonly IReadOnlyList<(Type Type, Func<ConsumeContext, object?> Read)> Known =
    [
        Entry<TouchpointReceived>(),
        Entry<TouchpointGroup>(),
        Entry<CustomerUpdateGroup>(),
        Entry<CustomerUpdated>(),
        Entry<TouchpointAppended>(),
    ];

    private static readonly Dictionary<string, Type> ByName = Known.ToDictionary(k => k.Type.Name, k => k.Type, StringComparer.Ordinal);

    /// <summary>The message of a known type the context carries, or null.</summary>
    public static (object Message, Type Type)? Read(ConsumeContext context)
    {
        foreach (var (type, read) in Known)
        {
            if (read(context) is { } message)
            {
                return (message, type);
            }
        }
        return null;
    }

    public static Type? Find(string name) => ByName.GetValueOrDefault(name);

    private static (Type, Func<ConsumeContext, object?>) Entry<T>()
        where T : class =>
        (typeof(T), context => context.TryGetMessage<T>(out var typed) ? typed.Message : null);
}
