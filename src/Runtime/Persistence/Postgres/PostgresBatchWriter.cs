using MachineGrid.Runtime.Persistence.GroupCommit;
using Npgsql;

namespace MachineGrid.Runtime.Persistence.Postgres;

/// <summary>
/// Applies batches on one dedicated connection. Every write of a batch goes to the server as one
/// <see cref="NpgsqlBatch"/> without an explicit transaction: PostgreSQL runs the batch's statements as one
/// implicit transaction that commits (durably, with synchronous_commit on) before the batch's results are complete,
/// and a failing statement rolls back the whole batch. So one round trip carries the writes and the commit.
/// Grain records come first, in <see cref="LockOrder"/>; the batch's index changes follow as set-based statements.
/// A batch that deadlocks with another silo is retried; after any other failure the connection is replaced.
/// </summary>
internal sealed class PostgresBatchWriter(NpgsqlDataSource dataSource, SchemaInitializer schema) : IBatchWriter
{
    private const int MaxAttempts = 3;

    private NpgsqlConnection? connection;

    /// <inheritdoc />
    public async Task<Task> CommitAsync(IReadOnlyList<PendingWrite> batch, CancellationToken cancellationToken)
    {
        await schema.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var records = LockOrder.Sort(batch.OfType<PendingRecordWrite>().ToList());
        var indexWrites = batch.OfType<PendingIndexWrite>().ToList();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await CommitOnceAsync(records, indexWrites, cancellationToken).ConfigureAwait(false);
                return Task.CompletedTask;
            }
            catch (PostgresException ex) when (attempt < MaxAttempts && ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
            {
            }
            catch
            {
                await CloseAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => CloseAsync();

    private async Task CommitOnceAsync(IReadOnlyList<PendingRecordWrite> records, IReadOnlyList<PendingIndexWrite> indexWrites, CancellationToken cancellationToken)
    {
        connection ??= await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var commands = new NpgsqlBatch(connection);
        foreach (var write in records)
        {
            commands.BatchCommands.Add(PostgresWriteCommands.For(write));
        }
        foreach (var command in PostgresIndexCommands.For(indexWrites))
        {
            commands.BatchCommands.Add(command);
        }
        await using (var reader = await commands.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var write in records)
            {
                if (write is PendingReminderUpsert upsert)
                {
                    await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                    upsert.RecordStored(reader.GetInt64(0));
                    await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }

        List<PendingStateWrite>? conflicts = null;
        for (var i = 0; i < records.Count; i++)
        {
            var affected = commands.BatchCommands[i].RecordsAffected;
            switch (records[i])
            {
                case PendingStateWrite state when affected == 1:
                    state.RecordApplied();
                    break;
                case PendingStateWrite state:
                    state.RecordConflict();
                    (conflicts ??= []).Add(state);
                    break;
                case PendingReminderRemoval removal:
                    removal.RecordRemoved(affected > 0);
                    break;
            }
        }
        if (conflicts is not null)
        {
            await RecordConflictVersionsAsync(conflicts, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads the stored versions that conflicting writes met, for their error messages. The batch has already
    /// committed, so a failure here only leaves those messages without the stored version.
    /// </summary>
    private async Task RecordConflictVersionsAsync(List<PendingStateWrite> conflicts, CancellationToken cancellationToken)
    {
        try
        {
            await ReadConflictVersionsAsync(conflicts, cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException)
        {
            await CloseAsync().ConfigureAwait(false);
        }
    }

    private async Task ReadConflictVersionsAsync(List<PendingStateWrite> conflicts, CancellationToken cancellationToken)
    {
        await using var lookups = new NpgsqlBatch(connection);
        foreach (var conflict in conflicts)
        {
            lookups.BatchCommands.Add(PostgresWriteCommands.VersionOf(conflict));
        }
        await using var reader = await lookups.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        foreach (var conflict in conflicts)
        {
            conflict.RecordConflict(await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? reader.GetInt64(0) : null);
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask CloseAsync()
    {
        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            connection = null;
        }
    }
}
