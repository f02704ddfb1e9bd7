using MachineGrid.Runtime.Persistence.GroupCommit;

namespace MachineGrid.Runtime.Persistence.Sqlite;

/// <summary>Grain state in a SQLite file. Reads use pooled prepared commands; writes are group-committed.</summary>
internal sealed class SqliteGrainStorage(SqliteDatabase database) : IGrainStorage
{
    /// <inheritdoc />
    public async Task<StoredState?> ReadAsync(GrainId grainId, string stateName, CancellationToken cancellationToken = default)
    {
        StorageArguments.Validate(grainId, stateName, nameof(stateName));
        return await database.ReadStateAsync(grainId, stateName, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<string> WriteAsync(GrainId grainId, string stateName, byte[] data, string? etag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        return database.WriteStateAsync(grainId, stateName, data, etag, cancellationToken);
    }

    /// <inheritdoc />
    public Task<string> ClearAsync(GrainId grainId, string stateName, string? etag, CancellationToken cancellationToken = default) =>
        database.WriteStateAsync(grainId, stateName, null, etag, cancellationToken);
}
