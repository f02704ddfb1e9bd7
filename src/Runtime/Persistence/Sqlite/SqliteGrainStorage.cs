using MachineGrid.Runtime.Persistence.GroupCommit;

namespace MachineGrid.Runtime.Persistence.Sqlite;

/// <summary>Grain state in a SQLite file. Reads use pooled connections; writes are group-committed.</summary>
internal sealed class SqliteGrainStorage(SqliteDatabase database) : IGrainStorage
{
    private const string SelectState = """
        SELECT payload, version FROM grain_state WHERE grain_type = $type AND grain_key = $key AND state_name = $name
        """;

    /// <inheritdoc />
    public async Task<StoredState?> ReadAsync(GrainId grainId, string stateName, CancellationToken cancellationToken = default)
    {
        StorageArguments.Validate(grainId, stateName, nameof(stateName));
        await using var connection = await database.OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = SelectState;
        command.Parameters.AddWithValue("$type", grainId.Type);
        command.Parameters.AddWithValue("$key", grainId.Key);
        command.Parameters.AddWithValue("$name", stateName);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }
        var data = reader.IsDBNull(0) ? null : reader.GetFieldValue<byte[]>(0);
        return new StoredState(data, StorageVersion.ToETag(reader.GetInt64(1)));
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
