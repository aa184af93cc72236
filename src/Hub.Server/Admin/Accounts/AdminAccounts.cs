using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Hub.Infrastructure.Audit;
using Hub.Infrastructure.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Admin.Accounts;

/// <summary>
/// Local accounts of the admin UI, with passwords hashed by ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/>.
/// Each sign-in cookie carries the account's security stamp; <see cref="IsCurrentSessionAsync"/> refuses a cookie whose
/// stamp, role or account is no longer the stored one, and <see cref="EndSessionsAsync"/> changes the stamp.
/// </summary>
public sealed class AdminAccounts(HubDbContext db, AuditLog audit, TimeProvider time)
{
    public const int MinimumPasswordLength = 12;

    /// <summary>The claim that carries the account's security stamp in the sign-in cookie.</summary>
    public const string SecurityStampClaim = "hub:security-stamp";

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
        var user = new AdminUserRow { Email = normalized!, PasswordHash = "", Role = role, CreatedAt = time.GetUtcNow(), SecurityStamp = NewStamp() };
        user.PasswordHash = Hasher.HashPassword(user, password!);
        db.AdminUsers.Add(user);
        audit.Add(db, actor, AuditActions.UserCreated, user.Email, role);
        await db.SaveChangesAsync(cancellationToken);
        return [];
    }

    /// <summary>Gives the account another role and ends its sessions; refuses to leave the hub without an admin.</summary>
    public async Task<IReadOnlyList<string>> ChangeRoleAsync(string? email, string? role, string actor, CancellationToken cancellationToken)
    {
        if (!AdminRoles.All.Contains(role ?? ""))
        {
            return [$"'Role' must be {string.Join(" or ", AdminRoles.All)}."];
        }
        return await ChangeAsync(email, AuditActions.UserRoleChanged, role, actor, user => user.Role = role!, cancellationToken);
    }

    /// <summary>Sets a new password and ends the account's sessions (a reset for someone who forgot it, or whose password leaked).</summary>
    public async Task<IReadOnlyList<string>> ResetPasswordAsync(string? email, string? password, string actor, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(password) || password.Length < MinimumPasswordLength)
        {
            return [$"'Password' must have at least {MinimumPasswordLength} characters."];
        }
        return await ChangeAsync(email, AuditActions.UserPasswordReset, null, actor, user => user.PasswordHash = Hasher.HashPassword(user, password), cancellationToken);
    }

    /// <summary>Removes the account, which ends its sessions; refuses to remove the last admin.</summary>
    public Task<IReadOnlyList<string>> RemoveAsync(string? email, string actor, CancellationToken cancellationToken) =>
        ChangeAsync(email, AuditActions.UserRemoved, null, actor, user => db.AdminUsers.Remove(user), cancellationToken);

    /// <summary>
    /// Applies <paramref name="change"/> to the account with a new security stamp (its cookies stop validating on the next
    /// request, in every hub process) and the audit entry, unless no admin would be left. Serializable, so two admins
    /// demoting each other at once cannot both succeed.
    /// </summary>
    private async Task<IReadOnlyList<string>> ChangeAsync(
        string? email, string action, string? detail, string actor, Action<AdminUserRow> change, CancellationToken cancellationToken)
    {
        var normalized = Normalize(email);
        await using var transaction = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken);
        var user = normalized is null ? null : await db.AdminUsers.FirstOrDefaultAsync(u => u.Email == normalized, cancellationToken);
        if (user is null)
        {
            return [$"There is no account {email}."];
        }
        change(user);
        user.SecurityStamp = NewStamp();
        var adminsLeft = await db.AdminUsers.CountAsync(u => u.Role == AdminRoles.Admin && u.Email != user.Email, cancellationToken)
            + (db.Entry(user).State != EntityState.Deleted && user.Role == AdminRoles.Admin ? 1 : 0);
        if (adminsLeft == 0)
        {
            db.ChangeTracker.Clear();
            return [$"{user.Email} is the last admin: make another account admin first."];
        }
        audit.Add(db, actor, action, user.Email, detail);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
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
        }
        EnsureStamp(user);
        await db.SaveChangesAsync(cancellationToken);
        return Principal(user, scheme);
    }

    /// <summary>The principal of an account whose owner proved who they are elsewhere (single sign-on), or null without an account.</summary>
    public async Task<ClaimsPrincipal?> PrincipalOfAsync(string? email, string scheme, CancellationToken cancellationToken)
    {
        var normalized = Normalize(email);
        var user = normalized is null ? null : await db.AdminUsers.FirstOrDefaultAsync(u => u.Email == normalized, cancellationToken);
        if (user is null)
        {
            return null;
        }
        EnsureStamp(user);
        await db.SaveChangesAsync(cancellationToken);
        return Principal(user, scheme);
    }

    /// <summary>
    /// Whether a cookie's principal still stands: its account exists with the same role and the same security stamp.
    /// A cookie from before sign-out (or from before the stamp existed) has another stamp, or none.
    /// </summary>
    public async Task<bool> IsCurrentSessionAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var email = principal.FindFirstValue(ClaimTypes.Email);
        var stamp = principal.FindFirstValue(SecurityStampClaim);
        if (string.IsNullOrEmpty(email) || string.IsNullOrEmpty(stamp))
        {
            return false;
        }
        var user = await db.AdminUsers.AsNoTracking().Where(u => u.Email == email)
            .Select(u => new { u.Role, u.SecurityStamp }).FirstOrDefaultAsync(cancellationToken);
        return user is not null && principal.IsInRole(user.Role)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(user.SecurityStamp), Encoding.UTF8.GetBytes(stamp));
    }

    /// <summary>Ends every session of the account, in every browser and every hub process: its cookies no longer validate.</summary>
    public async Task EndSessionsAsync(string? email, CancellationToken cancellationToken)
    {
        var normalized = Normalize(email);
        var user = normalized is null ? null : await db.AdminUsers.FirstOrDefaultAsync(u => u.Email == normalized, cancellationToken);
        if (user is not null)
        {
            user.SecurityStamp = NewStamp();
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    private static ClaimsPrincipal Principal(AdminUserRow user, string scheme) =>
        new(new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, user.Email),
                new Claim(ClaimTypes.Email, user.Email),
                new Claim(ClaimTypes.Role, user.Role),
                new Claim(SecurityStampClaim, user.SecurityStamp),
            ],
            scheme));

    /// <summary>Accounts made before security stamps existed get theirs at their next sign-in.</summary>
    private static void EnsureStamp(AdminUserRow user)
    {
        if (string.IsNullOrEmpty(user.SecurityStamp))
        {
            user.SecurityStamp = NewStamp();
        }
    }

    private static string NewStamp() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    private static string? Normalize(string? email)
    {
        var trimmed = email?.Trim();
        return string.IsNullOrEmpty(trimmed) || trimmed.Length > 320 || !System.Net.Mail.MailAddress.TryCreate(trimmed, out var address) || address.Address != trimmed
            ? null
            : trimmed.ToLowerInvariant();
    }
}
