using System.Security.Claims;
using Hub.Infrastructure.Audit;
using Hub.Infrastructure.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Admin.Accounts;

/// <summary>Local accounts of the admin UI, with passwords hashed by ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/>.</summary>
public sealed class AdminAccounts(HubDbContext db, AuditLog audit, TimeProvider time)
{
    public const int MinimumPasswordLength = 12;

    private static readonly PasswordHasher<AdminUserRow> Hasher = new();

    public Task<bool> AnyAsync(CancellationToken cancellationToken) => db.AdminUsers.AnyAsync(cancellationToken);

    public Task<List<AdminUserRow>> ListAsync(CancellationToken cancellationToken) =>
        db.AdminUsers.AsNoTracking().OrderBy(u => u.Email).ToListAsync(cancellationToken);

    /// <summary>Problems with the account, or none when it was created.</summary>
    public async Task<IReadOnlyList<string>> CreateAsync(string? email, string? password, string role, string actor, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var normalized = Normalize(email);
        if (normalized is null)
        {
            problems.Add("'Email' must be an e-mail address.");
        }
        if (string.IsNullOrEmpty(password) || password.Length < MinimumPasswordLength)
        {
            problems.Add($"'Password' must have at least {MinimumPasswordLength} characters.");
        }
        if (!AdminRoles.All.Contains(role))
        {
            problems.Add($"'Role' must be {string.Join(" or ", AdminRoles.All)}.");
        }
        if (normalized is not null && await db.AdminUsers.AnyAsync(u => u.Email == normalized, cancellationToken))
        {
            problems.Add($"An account for {normalized} exists already.");
        }
        if (problems.Count > 0)
        {
            return problems;
        }
        var user = new AdminUserRow { Email = normalized!, PasswordHash = "", Role = role, CreatedAt = time.GetUtcNow() };
        user.PasswordHash = Hasher.HashPassword(user, password!);
        db.AdminUsers.Add(user);
        audit.Add(db, actor, AuditActions.UserCreated, user.Email, role);
        await db.SaveChangesAsync(cancellationToken);
        return [];
    }

    /// <summary>The signed-in principal, or null when the e-mail or the password is wrong.</summary>
    public async Task<ClaimsPrincipal?> SignInAsync(string? email, string? password, string scheme, CancellationToken cancellationToken)
    {
        var normalized = Normalize(email);
        if (normalized is null || string.IsNullOrEmpty(password))
        {
            return null;
        }
        var user = await db.AdminUsers.FirstOrDefaultAsync(u => u.Email == normalized, cancellationToken);
        if (user is null)
        {
            // Hash anyway, so the answer takes as long for an unknown e-mail as for a wrong password.
            Hasher.HashPassword(new AdminUserRow { Email = normalized, PasswordHash = "", Role = AdminRoles.Viewer }, password);
            return null;
        }
        var result = Hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (result == PasswordVerificationResult.Failed)
        {
            return null;
        }
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = Hasher.HashPassword(user, password);
            await db.SaveChangesAsync(cancellationToken);
        }
        return Principal(user.Email, user.Role, scheme);
    }

    public async Task<string?> RoleOfAsync(string? email, CancellationToken cancellationToken)
    {
        var normalized = Normalize(email);
        return normalized is null ? null
            : await db.AdminUsers.AsNoTracking().Where(u => u.Email == normalized).Select(u => u.Role).FirstOrDefaultAsync(cancellationToken);
    }

    public static ClaimsPrincipal Principal(string email, string role, string scheme) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, email), new Claim(ClaimTypes.Email, email), new Claim(ClaimTypes.Role, role)], scheme));

    private static string? Normalize(string? email)
    {
        var trimmed = email?.Trim();
        return string.IsNullOrEmpty(trimmed) || trimmed.Length > 320 || !System.Net.Mail.MailAddress.TryCreate(trimmed, out var address) || address.Address != trimmed
            ? null
            : trimmed.ToLowerInvariant();
    }
}
