using Microsoft.Extensions.Options;

namespace Hub.Server.Admin.Accounts;

/// <summary>
/// Locks an e-mail out of password sign-in after <see cref="SignInThrottleOptions.MaxFailures"/> failures within
/// <see cref="SignInThrottleOptions.FailureWindow"/>. Failures are counted by the e-mail as typed (normalized), whether or
/// not an account has it, so the lockout says nothing about which accounts exist. State is in memory, per process.
/// </summary>
public sealed class SignInThrottle(IOptions<SignInThrottleOptions> options, TimeProvider time)
{
    /// <summary>Above this many tracked e-mails, those with neither recent failures nor a lock are forgotten.</summary>
    private const int PruneAbove = 10_000;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Failures> _byEmail = new(StringComparer.Ordinal);

    /// <summary>How long the e-mail stays locked, or null when it may try.</summary>
    public TimeSpan? LockedFor(string? email)
    {
        var key = Key(email);
        var now = time.GetUtcNow();
        lock (_lock)
        {
            return _byEmail.TryGetValue(key, out var failures) && failures.LockedUntil > now ? failures.LockedUntil - now : null;
        }
    }

    public void Failed(string? email)
    {
        var key = Key(email);
        var settings = options.Value;
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_byEmail.Count >= PruneAbove)
            {
                Prune(now, settings.FailureWindow);
            }
            if (!_byEmail.TryGetValue(key, out var failures))
            {
                _byEmail[key] = failures = new Failures();
            }
            failures.At.RemoveAll(at => at <= now - settings.FailureWindow);
            failures.At.Add(now);
            if (failures.At.Count >= settings.MaxFailures)
            {
                failures.LockedUntil = now + settings.LockoutDuration;
                failures.At.Clear();
            }
        }
    }

    public void Succeeded(string? email)
    {
        var key = Key(email);
        lock (_lock)
        {
            _byEmail.Remove(key);
        }
    }

    private void Prune(DateTimeOffset now, TimeSpan window)
    {
        foreach (var (key, failures) in _byEmail.ToList())
        {
            if (failures.LockedUntil <= now && failures.At.All(at => at <= now - window))
            {
                _byEmail.Remove(key);
            }
        }
    }

    private static string Key(string? email)
    {
        var trimmed = (email ?? "").Trim().ToLowerInvariant();
        return trimmed.Length > 320 ? trimmed[..320] : trimmed;
    }

    private sealed class Failures
    {
        public List<DateTimeOffset> At { get; } = [];

        public DateTimeOffset LockedUntil { get; set; }
    }
}
