using System.ComponentModel;

namespace Hub.Server.Admin.Accounts;

/// <summary><c>Hub:Admin:SignIn</c>: how password guessing at the sign-in page is slowed down (docs/ui.md, "Signing in").</summary>
public sealed class SignInThrottleOptions
{
    public const string Section = "Hub:Admin:SignIn";

    [Description("Failed sign-ins for one e-mail within `FailureWindow` after which that e-mail is refused for `LockoutDuration`, also with the right password. Counted per hub process, for e-mails with and without an account alike.")]
    public int MaxFailures { get; set; } = 5;

    [Description("How long a failed sign-in counts towards `MaxFailures`.")]
    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromMinutes(15);

    [Description("How long an e-mail is refused after `MaxFailures` failures.")]
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    [Description("Sign-in attempts (posts to `/admin/signin`) one client address may make per `ClientWindow`; more are answered 429. The address is the client's as `Hub:ForwardedHeaders` lets the hub see it.")]
    public int MaxAttemptsPerClient { get; set; } = 20;

    [Description("The window `MaxAttemptsPerClient` counts in.")]
    public TimeSpan ClientWindow { get; set; } = TimeSpan.FromMinutes(1);
}
