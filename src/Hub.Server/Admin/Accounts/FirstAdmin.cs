using System.Security.Cryptography;
using System.Text;
using Hub.Infrastructure.Configuration;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Admin.Accounts;

/// <summary>
/// Makes sure someone can sign in to a new hub: with no account yet, the first admin is created from
/// <c>Hub:Admin:Email</c> and <c>Hub:Admin:Password</c> (only the password's hash is stored), or, when those are not set,
/// a one-time setup link is printed on the console. The link works once and only while no account exists.
/// </summary>
[ConfigurationKey("Email", "The first admin account's e-mail, created at the first start when no account exists. Without it (and `Password`) a one-time setup link is printed at start.")]
[ConfigurationKey("Password", "The first admin account's password; only its hash is stored, at the first start. Keep it in a secret store or environment variable and remove it once the account exists.")]
public sealed partial class FirstAdmin(
    IServiceScopeFactory scopes, IConfiguration configuration, IServer server, IHostApplicationLifetime lifetime, ILogger<FirstAdmin> logger)
    : IHostedService
{
    public const string Section = "Hub:Admin";
    public const string EmailKey = Section + ":Email";
    public const string PasswordKey = Section + ":Password";
    public const string SetupPath = "/admin/setup";

    private byte[]? _setupTokenHash;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<AdminAccounts>();
        if (await accounts.AnyAsync(cancellationToken))
        {
            return;
        }
        var email = configuration[EmailKey];
        var password = configuration[PasswordKey];
        if (!string.IsNullOrWhiteSpace(email) && !string.IsNullOrEmpty(password))
        {
            IReadOnlyList<string> problems;
            try
            {
                problems = await accounts.CreateAsync(email, password, AdminRoles.Admin, "configuration", cancellationToken);
            }
            catch (DbUpdateException e)
            {
                problems = [e.InnerException?.Message ?? e.Message];
            }
            if (problems.Count > 0)
            {
                // Another hub process starting beside this one may have created it between the check above and the insert.
                if (await AnyAccountAsync(cancellationToken))
                {
                    return;
                }
                throw new InvalidOperationException($"{EmailKey} / {PasswordKey} cannot make the first admin: {string.Join(" ", problems)}");
            }
            LogCreated(logger, email.Trim().ToLowerInvariant());
            return;
        }
        var token = Base64Url(RandomNumberGenerator.GetBytes(24));
        _setupTokenHash = Hash(token);
        // Hosted services start before the server listens; its address is known only once the application has started.
        lifetime.ApplicationStarted.Register(() =>
        {
            // One write, so that the console logger's lines cannot land inside the block.
            Console.Write($"""

                  No admin account exists yet. Open this link (once) to create the first one:
                    {BaseUrl()}{SetupPath}?token={token}
                  Or set {EmailKey} and {PasswordKey} and restart.


                """);
            LogSetupLink(logger);
        });
    }

    /// <summary>Whether an account exists, read in a scope of its own (the one of a failed insert still tracks the row).</summary>
    private async Task<bool> AnyAccountAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AdminAccounts>().AnyAsync(cancellationToken);
    }

    private string BaseUrl() => LinkBase(server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault());

    /// <summary>
    /// The start of a link to the hub from the first address the started server reports (Kestrel reports a wildcard
    /// binding as <c>http://[::]:port</c> or <c>http://0.0.0.0:port</c>, which a browser cannot open: shown as localhost);
    /// a placeholder when there is none (a test server).
    /// </summary>
    internal static string LinkBase(string? listeningAddress)
    {
        if (listeningAddress is null || !Uri.TryCreate(listeningAddress, UriKind.Absolute, out var uri))
        {
            return "<hub url>";
        }
        var host = uri.Host is "0.0.0.0" or "[::]" ? "localhost" : uri.Host;
        return new UriBuilder(uri) { Host = host }.Uri.GetLeftPart(UriPartial.Authority);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Whether the token is this process's setup token; once an account exists no token is valid.</summary>
    public bool IsSetupToken(string? token) =>
        _setupTokenHash is { } expected && !string.IsNullOrEmpty(token) && CryptographicOperations.FixedTimeEquals(expected, Hash(token));

    public void SetupDone() => _setupTokenHash = null;

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [LoggerMessage(Level = LogLevel.Warning, Message = "Created the first admin account {Email} from Hub:Admin (only the password's hash is stored)")]
    private static partial void LogCreated(ILogger logger, string email);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No admin account exists: a one-time setup link was printed on the console")]
    private static partial void LogSetupLink(ILogger logger);
}
