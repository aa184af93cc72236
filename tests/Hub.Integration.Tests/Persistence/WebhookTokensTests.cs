using System.Text;
using Hub.Contracts.Connectors;
using Hub.Infrastructure.Ingress;
using Hub.Infrastructure.Persistence;
using Hub.Integration.Tests.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Integration.Tests.Persistence;

/// <summary>
/// Single-use webhook tokens on PostgreSQL, as several hub processes share them: a token goes with its first body
/// only, per connector instance, and expired ones are deleted as new ones are claimed.
/// </summary>
public sealed class WebhookTokensTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("body-mime=first");
    private static readonly byte[] OtherBody = Encoding.UTF8.GetBytes("body-mime=forged");

    [Fact]
    public async Task A_token_is_accepted_again_with_its_first_body_and_refused_with_another()
    {
        await using var services = await MigratedAsync("tokens");
        var token = new SingleUseToken("8f3c1d9a27b64e0c5a1f7e93d2b8c6a4f01e5d7b9c3a2e8f64", DateTimeOffset.UtcNow.AddDays(1));

        Assert.True(await ClaimAsync(services, "mailgun1", token, Body));
        Assert.True(await ClaimAsync(services, "mailgun1", token, Body));
        Assert.False(await ClaimAsync(services, "mailgun1", token, OtherBody));
        Assert.True(await ClaimAsync(services, "mailgun2", token, OtherBody));
    }

    [Fact]
    public async Task Expired_tokens_are_deleted_while_new_ones_are_claimed()
    {
        await using var services = await MigratedAsync("token-expiry");
        var expired = new SingleUseToken("expired", DateTimeOffset.UtcNow.AddMinutes(-1));
        var kept = new SingleUseToken("kept", DateTimeOffset.UtcNow.AddDays(1));
        Assert.True(await ClaimAsync(services, "mailgun1", expired, Body));
        Assert.True(await ClaimAsync(services, "mailgun1", kept, Body));

        for (var i = 0; i < 100; i++)
        {
            Assert.True(await ClaimAsync(services, "mailgun1", new SingleUseToken($"new-{i}", DateTimeOffset.UtcNow.AddDays(1)), Body));
        }

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        Assert.Equal(101, await db.WebhookTokens.CountAsync());
        Assert.False(await db.WebhookTokens.AnyAsync(t => t.KeepUntil < DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task An_unreachable_database_makes_the_ingress_answer_unavailable_not_fail()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hub:Database:Provider"] = "PostgreSql",
            ["Hub:Database:ConnectionString"] = $"Host=127.0.0.1;Port={closedPort};Database=hub;Username=hub;Password=hub;Timeout=2",
        }).Build();
        await using var services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System).AddHubPersistence(configuration)
            .AddScoped<WebhookTokens>().BuildServiceProvider();

        // Npgsql's execution strategy wraps the refused connection in an InvalidOperationException: still a 503 for the sender.
        await Assert.ThrowsAsync<IngressUnavailableException>(() =>
            ClaimAsync(services, "mailgun1", new SingleUseToken("unreachable", DateTimeOffset.UtcNow.AddDays(1)), Body));
    }

    private static async Task<bool> ClaimAsync(ServiceProvider services, string instance, SingleUseToken token, byte[] body)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<WebhookTokens>().ClaimAsync(instance, token, body, CancellationToken.None);
    }

    private static async Task<ServiceProvider> MigratedAsync(string purpose)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hub:Database:Provider"] = "PostgreSql",
            ["Hub:Database:ConnectionString"] = await SharedServers.NewDatabaseAsync(purpose),
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System).AddHubPersistence(configuration)
            .AddScoped<WebhookTokens>().BuildServiceProvider();
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<HubDbContext>().Database.MigrateAsync();
        return services;
    }
}
