using System.Collections.Concurrent;
using Polly.CircuitBreaker;

namespace Hub.Infrastructure.Outbound;

/// <summary>
/// The current state of each outbound circuit breaker, by target address (scheme, host and port, as the resilience
/// pipelines are selected). An address shows up once the hub first calls it; the metrics gauge and the admin UI read it.
/// </summary>
public sealed class CircuitBreakerStates
{
    private readonly ConcurrentDictionary<string, CircuitState> _states = new(StringComparer.OrdinalIgnoreCase);

    public void Set(string address, CircuitState state) => _states[address] = state;

    public IReadOnlyCollection<KeyValuePair<string, CircuitState>> All => _states.ToArray();

    /// <summary>The state of the breaker that guards calls to <paramref name="target"/>, or null when the hub has not called it yet.</summary>
    public CircuitState? StateOf(Uri target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return _states.TryGetValue(AddressOf(target), out var state) ? state : null;
    }

    public static string AddressOf(Uri target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return $"{target.Scheme}://{target.Host}:{target.Port}";
    }
}
