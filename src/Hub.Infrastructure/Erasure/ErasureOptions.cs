using System.ComponentModel;

namespace Hub.Infrastructure.Erasure;

/// <summary><c>Hub:Erasure</c>: how erasure requests reach the connected systems.</summary>
public sealed class ErasureOptions
{
    public const string Section = "Hub:Erasure";

    /// <summary>How often each hub process looks for erasures due at a connected system.</summary>
    [Description("How often each hub process looks for erasures due at a connected system.")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The wait after a first failure; it doubles with every failure, up to <see cref="MaxRetryDelay"/>.</summary>
    [Description("The wait after an erasure's first failure at a system; it doubles with each failure.")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between two attempts; erasures are retried until done, however long that takes.</summary>
    [Description("The longest wait between two attempts; erasures are retried until done.")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long one attempt may take before another process may take the erasure over.</summary>
    [Description("How long one attempt may run before another hub process may take the erasure over.")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromMinutes(2);
}
