namespace Hub.Infrastructure.Sync;

/// <summary>Every sync target instance has its own queue, so one slow or broken target never holds up another.</summary>
internal static class SyncEndpoints
{
    private const string Prefix = "hub-sync-";

    public static string For(string instanceId) => Prefix + instanceId.ToLowerInvariant();

    public static string InstanceIdFrom(Uri inputAddress)
    {
        var name = inputAddress.AbsolutePath.TrimEnd('/').Split('/')[^1];
        return name.StartsWith(Prefix, StringComparison.Ordinal) ? name[Prefix.Length..] : name;
    }
}
