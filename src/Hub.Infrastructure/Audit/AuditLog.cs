using Hub.Infrastructure.Persistence;

namespace Hub.Infrastructure.Audit;

/// <summary>
/// The audit log (<c>audit_entries</c>): who changed which connector, who merged or split whom. <see cref="Add"/> puts the
/// entry into the caller's unit of work, so it is saved in the same transaction as the change it records, or not at all.
/// </summary>
public sealed class AuditLog(TimeProvider time)
{
    public void Add(HubDbContext db, string actor, string action, string subject, string? detail = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        db.AuditEntries.Add(new AuditEntryRow
        {
            At = time.GetUtcNow(),
            Actor = actor,
            Action = action,
            Subject = subject,
            Detail = detail,
        });
    }
}

/// <summary>The actions the hub records; other features add theirs here.</summary>
public static class AuditActions
{
    public const string ConnectorCreated = "connector.created";
    public const string ConnectorUpdated = "connector.updated";
    public const string ConnectorEnabled = "connector.enabled";
    public const string ConnectorDisabled = "connector.disabled";
    public const string ConnectorDeleted = "connector.deleted";
    public const string ConnectorTested = "connector.tested";
    public const string CustomerMerged = "customer.merged";
    public const string CustomerSplit = "customer.split";
    public const string DuplicateDismissed = "duplicate.dismissed";
    public const string DuplicateDismissalUndone = "duplicate.dismissal-undone";
    public const string FailedMessageReplayed = "failed-message.replayed";
    public const string FailedMessageDiscarded = "failed-message.discarded";
    public const string UserCreated = "user.created";
    public const string UserRoleChanged = "user.role-changed";
    public const string UserPasswordReset = "user.password-reset";
    public const string UserRemoved = "user.removed";
    public const string ApiKeyCreated = "api-key.created";
    public const string ApiKeyRevoked = "api-key.revoked";
}
