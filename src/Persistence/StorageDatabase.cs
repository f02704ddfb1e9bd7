using System.Data.Common;
using MachineGrid.Persistence.Writes;

namespace MachineGrid.Persistence;

/// <summary>One database behind every part of the storage: state, read model, reminders and (PostgreSQL) membership.</summary>
internal abstract class StorageDatabase : IAsyncDisposable
{
    private readonly Lock migrationLock = new();
    private Task? migrated;

    /// <summary>"SQLite" or "PostgreSQL", for messages and metric tags.</summary>
    public abstract string Kind { get; }

    /// <summary>Creates or upgrades the schema once per process; every other member waits for it. A failed attempt is retried at the next call.</summary>
    public Task EnsureSchemaAsync()
    {
        var current = migrated;
        if (current is { IsCompletedSuccessfully: true })
        {
            return current;
        }
        lock (migrationLock)
        {
            if (migrated is null || migrated.IsFaulted || migrated.IsCanceled)
            {
                migrated = Task.Run(() => MigrateAsync(CancellationToken.None));
            }
            return migrated;
        }
    }

    /// <summary>An open connection for a short read or transaction of its own (reminders, membership).</summary>
    public abstract ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="action"/> while no other process on this database runs one under the same lock: a
    /// PostgreSQL advisory lock. A SQLite file is open in one process only, so there it just runs.
    /// </summary>
    public virtual Task RunExclusiveAsync(long lockKey, Func<Task> action, CancellationToken cancellationToken) => action();

    public abstract Task<StoredState?> ReadStateAsync(string grainId, string stateName, CancellationToken cancellationToken);

    /// <summary>Applies the writes in one transaction, records each state write's outcome, and returns once durable.</summary>
    public abstract Task CommitAsync(IReadOnlyList<PendingWrite> batch, CancellationToken cancellationToken);

    public abstract Task<IReadOnlyList<ReadModelRow>> ScanAsync(string table, KeyRange range, int limit, bool descending, CancellationToken cancellationToken);

    public abstract Task<long> CountAsync(string table, KeyRange range, CancellationToken cancellationToken);

    protected abstract Task MigrateAsync(CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();
}

/// <summary>A stored state: its version and its JSON, null for a cleared record.</summary>
internal sealed record StoredState(long Version, string? Json);
