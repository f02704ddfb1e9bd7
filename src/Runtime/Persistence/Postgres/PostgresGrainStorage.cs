using MachineGrid.Runtime.Persistence.GroupCommit;
using Npgsql;

namespace MachineGrid.Runtime.Persistence.Postgres;

/// <summary>Grain state in PostgreSQL. Reads use pooled connections; writes are group-committed.</summary>
internal sealed class PostgresGrainStorage(PostgresDatabase database) : IGrainStorage
{
    private const string SelectState = """
        SELECT payload, version FROM grain_state WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3
        """;

    /// <inheritdoc />
    public async Task<StoredState?> ReadAsync(GrainId grainId, string stateName, CancellationToken cancellationToken = default)
    {
        StorageArguments.Validate(grainId, stateName, nameof(stateName));
        await using var command = await database.CreateReadCommandAsync(SelectState, cancellationToken).ConfigureAwait(false);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainId.Type });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainId.Key });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stateName });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }
        var data = await reader.IsDBNullAsync(0, cancellationToken).ConfigureAwait(false) ? null : reader.GetFieldValue<byte[]>(0);
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
