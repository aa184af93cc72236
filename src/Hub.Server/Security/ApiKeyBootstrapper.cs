using System.Security.Cryptography;
using Hub.Infrastructure.Persistence;
using Hub.Server.Hosting;

namespace Hub.Server.Security;

/// <summary>
/// On a first run with no API key configured or stored, generates one, stores its hash and prints it
/// once: the admin copies it then, as the hub cannot show it again.
/// </summary>
internal sealed partial class ApiKeyBootstrapper(
    ApiKeyStore store,
    IServiceScopeFactory scopes,
    IConfiguration configuration,
    TimeProvider time,
    ILogger<ApiKeyBootstrapper> logger) : IHostedService
{
    public const string GeneratedKeyName = "generated";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.LoadAsync(cancellationToken);
        if (store.HasAny)
        {
            return;
        }
        var key = "hub_" + Base64Url(RandomNumberGenerator.GetBytes(32));
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            db.ApiKeys.Add(new ApiKeyRow { Name = GeneratedKeyName, KeyHash = Convert.ToHexString(ApiKeyStore.Hash(key)), CreatedAt = time.GetUtcNow() });
            await db.SaveChangesAsync(cancellationToken);
        }
        await store.LoadAsync(cancellationToken);
        ConsoleBanner.Write(configuration, time, typeof(ApiKeyBootstrapper).FullName!,
        [
            "No API key was configured, so the hub generated one. It is shown only this once:",
            key,
            "Send it as 'Authorization: Bearer <key>' to /api. Configure your own with Hub:ApiKeys:<name>.",
        ]);
        LogGenerated(logger, GeneratedKeyName);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [LoggerMessage(Level = LogLevel.Warning, Message = "Generated API key '{Name}' (printed once on the console; only its hash is stored)")]
    private static partial void LogGenerated(ILogger logger, string name);
}
