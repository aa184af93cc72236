using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Hub.Contracts.Connectors;
using Hub.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Hub.Infrastructure.Ingress;

/// <summary>
/// The single-use tokens of signed webhooks (<see cref="InboundWebhookResult.SingleUse"/>), shared by every hub process
/// through the database: a token is accepted with the body it first came with, and refused with any other until it
/// expires. Expired tokens are deleted now and then by whichever process is claiming one.
/// </summary>
public sealed class WebhookTokens(HubDbContext db, TimeProvider time)
{
    private const int ClaimsBetweenPrunes = 100;
    private static int _claims;

    /// <summary>
    /// True when <paramref name="token"/> is new here or came with this same body before (a retry); false when it came
    /// with another body. Throws <see cref="IngressUnavailableException"/> when the database cannot be reached.
    /// </summary>
    public async Task<bool> ClaimAsync(string connectorInstanceId, SingleUseToken token, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var tokenHash = Hash(Encoding.UTF8.GetBytes(token.Value));
        var bodyHash = Hash(body.Span);
        try
        {
            if (await StoredBodyHashAsync(connectorInstanceId, tokenHash, cancellationToken) is { } stored)
            {
                return stored == bodyHash;
            }
            db.WebhookTokens.Add(new WebhookTokenRow { ConnectorInstanceId = connectorInstanceId, TokenHash = tokenHash, BodyHash = bodyHash, KeepUntil = token.KeepUntil });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another request stored the token between our read and our insert (the key is unique).
                db.ChangeTracker.Clear();
                return await StoredBodyHashAsync(connectorInstanceId, tokenHash, cancellationToken) == bodyHash;
            }
            if (Interlocked.Increment(ref _claims) % ClaimsBetweenPrunes == 0)
            {
                var now = time.GetUtcNow();
                await db.WebhookTokens.Where(t => t.KeepUntil < now).ExecuteDeleteAsync(cancellationToken);
            }
            return true;
        }
        // Npgsql's execution strategy reports a connection that failed as an InvalidOperationException around it.
        catch (Exception e) when (e is DbException or DbUpdateException or TimeoutException || e.InnerException is DbException or TimeoutException)
        {
            throw new IngressUnavailableException("The database that keeps single-use webhook tokens is unreachable.", e);
        }
    }

    private Task<string?> StoredBodyHashAsync(string connectorInstanceId, string tokenHash, CancellationToken cancellationToken) =>
        db.WebhookTokens.AsNoTracking()
            .Where(t => t.ConnectorInstanceId == connectorInstanceId && t.TokenHash == tokenHash)
            .Select(t => t.BodyHash)
            .FirstOrDefaultAsync(cancellationToken);

    private static string Hash(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
