using Hub.Infrastructure.Configuration;
using Hub.Server.Telemetry;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Hub.Server.Hosting;

/// <summary>
/// What the hub says about its configuration before the host exists: the <c>Hub:</c> keys nothing reads (so a typo shows
/// even when another setting stops the start), and a configuration error that stops it, as its message alone.
/// Logged through a logger factory of its own, with the host's <c>Logging</c> settings and console format.
/// </summary>
internal static partial class ConfigurationCheck
{
    /// <summary>
    /// EX_CONFIG from sysexits.h: the configuration is wrong. systemd shows it as status=78/CONFIG, and
    /// RestartPreventExitStatus=78 keeps it from restarting a hub that cannot start; 134 (SIGABRT) read as a crash.
    /// </summary>
    public const int ConfigurationErrorExitCode = 78;

    private static readonly Lazy<KnownConfigurationKeys> KnownKeys =
        new(() => ConfigurationCatalog.KnownKeys(ConfigurationCatalog.HubAssemblies(typeof(ConfigurationCheck).Assembly)));

    /// <summary>Warns about each <c>Hub:</c> key in <paramref name="configuration"/> that no option reads.</summary>
    public static void WarnAboutUnknownKeys(IConfiguration configuration)
    {
        using var logging = LoggingAsConfigured(configuration);
        var logger = logging.CreateLogger(typeof(ConfigurationCheck).FullName!);
        foreach (var unknown in KnownKeys.Value.UnknownIn(configuration))
        {
            if (unknown.DidYouMean is { } known)
            {
                LogUnknownKeyNear(logger, unknown.Key, known);
            }
            else
            {
                LogUnknownKey(logger, unknown.Key);
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="exception"/> says the configuration is wrong (the hub's own check, or an options
    /// validation), rather than a bug whose stack trace is wanted.
    /// </summary>
    public static bool IsConfigurationError(Exception exception) => exception is HubConfigurationException or OptionsValidationException;

    /// <summary>
    /// Whether the hub is the process: then a configuration error ends it with <see cref="ConfigurationErrorExitCode"/>.
    /// Under a test host (WebApplicationFactory) the exception goes on to the test.
    /// </summary>
    public static bool HubIsTheProcess => System.Reflection.Assembly.GetEntryAssembly() == typeof(ConfigurationCheck).Assembly;

    /// <summary>Logs <paramref name="exception"/>'s message, without its stack trace, and returns the exit code to end with.</summary>
    public static int Stop(IConfiguration configuration, Exception exception)
    {
        using var logging = LoggingAsConfigured(configuration);
        LogConfigurationError(logging.CreateLogger(typeof(ConfigurationCheck).FullName!), exception.Message);
        return ConfigurationErrorExitCode;
    }

    private static ILoggerFactory LoggingAsConfigured(IConfiguration configuration) => LoggerFactory.Create(logging =>
    {
        logging.AddConfiguration(configuration.GetSection("Logging"));
        logging.AddConsole();
        logging.Services.AddSingleton<IConfigureOptions<JsonConsoleFormatterOptions>>(new JsonLogDefaults(configuration));
    });

    [LoggerMessage(Level = LogLevel.Warning, Message = "Configuration key {Key} is not read by the hub and has no effect; did you mean {KnownKey}?")]
    private static partial void LogUnknownKeyNear(ILogger logger, string key, string knownKey);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Configuration key {Key} is not read by the hub and has no effect (every key: deploy/README.md, configuration reference)")]
    private static partial void LogUnknownKey(ILogger logger, string key);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The hub cannot start, its configuration is not valid: {Problem}")]
    private static partial void LogConfigurationError(ILogger logger, string problem);
}
