using System.ComponentModel;
using Hub.Infrastructure.Configuration;

namespace Hub.Infrastructure.Sync;

/// <summary><c>Hub:Sync</c>: how long a sync queue holds a change for a target that is down, and how it catches up afterwards.</summary>
public sealed class SyncOptions
{
    public const string Section = "Hub:Sync";

    /// <summary>Well below RabbitMQ's consumer timeout (30 minutes), even with the endpoint's other retries.</summary>
    private const int MaxTargetWaitBudgetSeconds = 20 * 60;

    [Description("How long, in seconds, one delivery of customer changes or of a touchpoint waits in all for a sync target that asks to be left alone (`Retry-After`, a Salesforce back-off) before it becomes a failed message. 1 to 1200: the message is held meanwhile, and RabbitMQ's consumer timeout is 30 minutes.")]
    public int TargetWaitBudgetSeconds { get; set; } = 240;

    [Description("How often, in seconds, each hub process looks at the failed messages of sync queues that failed because their target was down (unavailable, timed out, connection refused, circuit breaker open): while the target shows no sign of life it replays only the oldest one as a probe, one at a time; once the target is back it replays the rest, oldest first (audit actor `hub (automatic replay after outage)`). Refusals, `410 Gone` and addresses the outbound guard refuses are left to the operator. `0` turns it off.")]
    public int OutageRedeliveryIntervalSeconds { get; set; } = 60;

    public TimeSpan TargetWaitBudget => TimeSpan.FromSeconds(TargetWaitBudgetSeconds);

    public TimeSpan OutageRedeliveryInterval => TimeSpan.FromSeconds(OutageRedeliveryIntervalSeconds);

    /// <summary>Throws a clear error for values the sync queues cannot work with.</summary>
    public SyncOptions Validated()
    {
        if (TargetWaitBudgetSeconds is < 1 or > MaxTargetWaitBudgetSeconds)
        {
            throw new HubConfigurationException(
                $"{Section}:{nameof(TargetWaitBudgetSeconds)} must be between 1 and {MaxTargetWaitBudgetSeconds} (got {TargetWaitBudgetSeconds}): a longer wait risks RabbitMQ's consumer timeout.");
        }
        if (OutageRedeliveryIntervalSeconds < 0)
        {
            throw new HubConfigurationException($"{Section}:{nameof(OutageRedeliveryIntervalSeconds)} must be 0 (off) or more (got {OutageRedeliveryIntervalSeconds}).");
        }
        return this;
    }
}
