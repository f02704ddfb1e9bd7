using Orleans.Concurrency;

namespace MachineGrid.Grains;

/// <summary>Reads the environment's audit log (any key; the log is one per environment).</summary>
[Alias("mg.IAuditLogGrain")]
public interface IAuditLogGrain : IGrainWithStringKey
{
    /// <summary>Entries after <paramref name="cursor"/>, oldest first (Environment Admin only).</summary>
    [ReadOnly]
    Task<Page<AuditEntry>> Read(Actor actor, string? cursor, int limit);
}
