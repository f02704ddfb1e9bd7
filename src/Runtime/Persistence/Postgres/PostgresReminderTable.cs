using MachineGrid.Runtime.Persistence.GroupCommit;
using MachineGrid.Runtime.Reminders;
using Npgsql;

namespace MachineGrid.Runtime.Persistence.Postgres;

/// <summary>Reminders in PostgreSQL. Reads use pooled connections; writes are group-committed with grain state.</summary>
internal sealed class PostgresReminderTable(PostgresDatabase database) : IReminderTable
{
    private const string Columns = "SELECT grain_type, grain_key, name, start_at, period, version FROM reminders";
    private const string Order = """ ORDER BY grain_type COLLATE "C", grain_key COLLATE "C", name COLLATE "C" """;

    /// <inheritdoc />
    public async Task<IReadOnlyList<ReminderEntry>> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        await using var command = await database.CreateReadCommandAsync(Columns + Order, cancellationToken).ConfigureAwait(false);
        return await ReadEntriesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ReminderEntry>> ReadGrainAsync(GrainId grainId, CancellationToken cancellationToken = default)
    {
        StorageArguments.ValidateGrain(grainId);
        await using var command = await database.CreateReadCommandAsync(Columns + " WHERE grain_type = $1 AND grain_key = $2" + Order, cancellationToken).ConfigureAwait(false);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainId.Type });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainId.Key });
        return await ReadEntriesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<ReminderEntry> UpsertAsync(GrainId grainId, string name, DateTimeOffset startAt, TimeSpan period, CancellationToken cancellationToken = default) =>
        database.UpsertReminderAsync(grainId, name, startAt, period, cancellationToken);

    /// <inheritdoc />
    public Task<bool> RemoveAsync(GrainId grainId, string name, string? etag, CancellationToken cancellationToken = default) =>
        database.RemoveReminderAsync(grainId, name, etag, cancellationToken);

    private static async Task<IReadOnlyList<ReminderEntry>> ReadEntriesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var entries = new List<ReminderEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            entries.Add(new ReminderEntry(
                new GrainId(reader.GetString(0), reader.GetString(1)),
                reader.GetString(2),
                new DateTimeOffset(reader.GetInt64(3), TimeSpan.Zero),
                TimeSpan.FromTicks(reader.GetInt64(4)),
                StorageVersion.ToETag(reader.GetInt64(5))));
        }
        return entries;
    }
}
