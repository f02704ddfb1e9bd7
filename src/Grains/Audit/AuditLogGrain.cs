
namespace MachineGrid.Grains;

/// <summary>Serves reads of the audit log to admins.</summary>
[Reentrant]
public sealed class AuditLogGrain(AuditTrail audit) : Grain, IAuditLogGrain
{
    /// <inheritdoc />
    public Task<Page<AuditEntry>> Read(Actor actor, string? cursor, int limit)
    {
        if (!actor.IsAdmin)
        {
            throw new DomainException(DomainErrorCode.Forbidden, "Only Environment Admins may read the audit log.");
        }
        return audit.ReadAsync(cursor, limit);
    }
}
