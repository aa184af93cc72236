namespace Hub.Integration.Tests.Hosting;

/// <summary>Polls a running hub until something holds: the hub works asynchronously, so a test waits for its outcome.</summary>
public static class Eventually
{
    /// <summary>The default wait: long enough for a busy two-core machine, short enough to fail a stuck test soon.</summary>
    public static readonly TimeSpan DefaultWithin = TimeSpan.FromSeconds(30);

    /// <summary>Polls until <paramref name="condition"/> holds; fails naming <paramref name="what"/> after <paramref name="within"/> (30 s by default).</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, TimeSpan? within = null)
    {
        var limit = within ?? DefaultWithin;
        var deadline = DateTime.UtcNow + limit;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what} (within {limit.TotalSeconds:0} s).");
            await Task.Delay(100);
        }
    }

    /// <summary>Polls until <paramref name="probe"/> finds a value, and returns it (30 s at most).</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T?>> probe)
        where T : struct
    {
        var deadline = DateTime.UtcNow + DefaultWithin;
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }
            Assert.True(DateTime.UtcNow < deadline, "the hub did not get there within 30 s");
            await Task.Delay(100);
        }
    }
}
