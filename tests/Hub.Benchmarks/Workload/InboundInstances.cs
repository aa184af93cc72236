using Hub.Testing.Servers;

namespace Hub.Benchmarks.Workload;

/// <summary>
/// The connector instances every benchmarked hub runs: three inbound webhooks instances on different
/// channels, and one outbound instance whose customer changes go to the benchmark's sync target.
/// </summary>
internal static class InboundInstances
{
    public const string Crm = "crm1";
    public const string Web = "web1";
    public const string Sms = "sms1";
    public const string SyncTarget = "sync1";
    public const string Secret = SignedWebhookSender.ExampleSecret;
    public const string TargetSecret = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

    public static IReadOnlyList<string> All { get; } = [Crm, Web, Sms];

    public static Dictionary<string, string> Settings(Uri syncTargetUrl) => new()
    {
        [$"Hub:Connectors:{Crm}:Kind"] = "webhooks",
        [$"Hub:Connectors:{Crm}:Secret"] = Secret,
        [$"Hub:Connectors:{Crm}:Channel"] = "crm",
        [$"Hub:Connectors:{Web}:Kind"] = "webhooks",
        [$"Hub:Connectors:{Web}:Secret"] = Secret,
        [$"Hub:Connectors:{Web}:Channel"] = "web",
        [$"Hub:Connectors:{Sms}:Kind"] = "webhooks",
        [$"Hub:Connectors:{Sms}:Secret"] = Secret,
        [$"Hub:Connectors:{Sms}:Channel"] = "sms",
        [$"Hub:Connectors:{SyncTarget}:Kind"] = "webhooks",
        [$"Hub:Connectors:{SyncTarget}:Secret"] = Secret,
        [$"Hub:Connectors:{SyncTarget}:TargetUrl"] = syncTargetUrl.ToString(),
        [$"Hub:Connectors:{SyncTarget}:TargetSecret"] = TargetSecret,
        // The sync target listens on loopback, which the outbound guard refuses unless allowed.
        ["Hub:Outbound:AllowedNetworks:0"] = "127.0.0.1/32",
    };
}
