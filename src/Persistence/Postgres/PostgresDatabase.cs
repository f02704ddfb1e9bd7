using System.Data.Common;
using MachineGrid.Persistence.Schema;
using MachineGrid.Persistence.Writes;
using Npgsql;
using NpgsqlTypes;

namespace MachineGrid.Persistence.Postgres;

/// <summary>
/// PostgreSQL through a pooled data source. A batch is one transaction: the state statements go in one round trip,
/// then the rows of the writes that applied, then the commit, which returns once durable (<c>synchronous_commit=on</c>,
/// set on every connection). State rows are written in key order so concurrent silos lock them in one order; a batch
/// that still deadlocks is retried.
/// </summary>
internal sealed class PostgresDatabase(NpgsqlDataSource dataSource) : StorageDatabase
{
    private const int MaxAttempts = 3;

    private readonly StateReadBatcher reads = new(dataSource);

    private const string InsertState = """
        INSERT INTO grain_state (grain_id, state_name, version, state) VALUES ($1, $2, 1, $3) ON CONFLICT DO NOTHING
        """;

    private const string UpdateState = """
        UPDATE grain_state SET state = $3, version = version + 1, written_at = now()
        WHERE grain_id = $1 AND state_name = $2 AND version = $4
        """;

    private const string UpdateStates = """
        UPDATE grain_state g SET state = w.state::json, version = g.version + 1, written_at = now()
        FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) AS w(grain_id, state_name, state, version)
        WHERE g.grain_id = w.grain_id AND g.state_name = w.state_name AND g.version = w.version
        RETURNING g.grain_id, g.state_name
        """;

    private const string InsertStates = """
        INSERT INTO grain_state (grain_id, state_name, version, state)
        SELECT w.grain_id, w.state_name, 1, w.state::json FROM unnest($1::text[], $2::text[], $3::text[]) AS w(grain_id, state_name, state)
        ORDER BY w.grain_id, w.state_name
        ON CONFLICT DO NOTHING
        RETURNING grain_id, state_name
        """;

    private const string PutRows = """
        INSERT INTO read_model (table_name, row_key, value)
        SELECT * FROM unnest($1::text[], $2::text[], $3::bytea[])
        ON CONFLICT (table_name, row_key) DO UPDATE SET value = excluded.value
        """;

    private const string DeleteRows = """
        DELETE FROM read_model r USING unnest($1::text[], $2::text[]) AS d(table_name, row_key)
        WHERE r.table_name = d.table_name AND r.row_key = d.row_key
        """;

    public override string Kind => "PostgreSQL";

    public NpgsqlDataSource DataSource => dataSource;

    public static NpgsqlDataSource BuildDataSource(string connectionString, int maxPoolSize) =>
        new NpgsqlDataSourceBuilder(CheckConnectionString(connectionString, maxPoolSize)).Build();

    public static string Describe(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"PostgreSQL at {builder.Host}:{builder.Port}, database {builder.Database ?? builder.Username}";
    }

    /// <summary>The connection string to use, with the pool capped and every commit durable; a message naming what is wrong otherwise.</summary>
    public static string CheckConnectionString(string connectionString, int maxPoolSize)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new StorageConfigurationException("UsePostgres: the connection string is empty.");
        }
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            throw new StorageConfigurationException($"UsePostgres: the connection string is not valid: {ex.Message}");
        }
        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            throw new StorageConfigurationException("UsePostgres: the connection string names no Host.");
        }
        builder.MaxPoolSize = Math.Min(builder.MaxPoolSize, maxPoolSize);
        builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? "-c synchronous_commit=on" : $"{builder.Options} -c synchronous_commit=on";
        builder.MaxAutoPrepare = Math.Max(builder.MaxAutoPrepare, 16);
        // Connections carry no session state between uses (no SET, LISTEN or temp tables; advisory locks are released
        // before return), so the seven reset statements Npgsql would run after every use are only cost: one per read.
        builder.NoResetOnClose = true;
        return builder.ConnectionString;
    }

    public override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync().ConfigureAwait(false);
        return await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task<StoredState?> ReadStateAsync(string grainId, string stateName, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync().ConfigureAwait(false);
        return await reads.ReadAsync(grainId, stateName).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task CommitAsync(IReadOnlyList<PendingWrite> batch, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync().ConfigureAwait(false);
        var states = batch.OfType<PendingStateWrite>()
            .OrderBy(write => write.GrainId, StringComparer.Ordinal)
            .ThenBy(write => write.StateName, StringComparer.Ordinal)
            .ToList();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await CommitOnceAsync(states, batch, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (PostgresException ex) when (attempt < MaxAttempts && ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
            {
            }
        }
    }

    public override async Task<IReadOnlyList<ReadModelRow>> ScanAsync(string table, KeyRange range, int limit, bool descending, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync().ConfigureAwait(false);
        await using var command = RangeCommand("row_key, value", table, range);
        command.CommandText += $" ORDER BY row_key {(descending ? "DESC" : "ASC")} LIMIT ${command.Parameters.Count + 1}";
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var rows = new List<ReadModelRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new ReadModelRow(reader.GetString(0), reader.GetFieldValue<byte[]>(1)));
        }
        return rows;
    }

    public override async Task<long> CountAsync(string table, KeyRange range, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync().ConfigureAwait(false);
        await using var command = RangeCommand("count(*)", table, range);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public override async ValueTask DisposeAsync()
    {
        await reads.DisposeAsync().ConfigureAwait(false);
        await dataSource.DisposeAsync().ConfigureAwait(false);
    }

    public override async Task RunExclusiveAsync(long lockKey, Func<Task> action, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, $"SELECT pg_advisory_lock({lockKey})", cancellationToken).ConfigureAwait(false);
        try
        {
            await action().ConfigureAwait(false);
        }
        finally
        {
            try
            {
                await ExecuteAsync(connection, $"SELECT pg_advisory_unlock({lockKey})", CancellationToken.None).ConfigureAwait(false);
            }
            catch
            {
                // Connections are not reset on return, so one that may still hold the lock must not go back to the pool.
                NpgsqlConnection.ClearPool(connection);
                throw;
            }
        }
    }

    protected override async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({PostgresMigrations.AdvisoryLockKey})", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())", cancellationToken).ConfigureAwait(false);
        await using (var current = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM schema_migrations", connection))
        {
            var version = (int)(await current.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            foreach (var migration in PostgresMigrations.All.Where(m => m.Version > version))
            {
                await ExecuteAsync(connection, migration.Sql, cancellationToken).ConfigureAwait(false);
                await using var record = new NpgsqlCommand("INSERT INTO schema_migrations (version, description) VALUES ($1, $2)", connection);
                record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = migration.Version });
                record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migration.Description });
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task CommitOnceAsync(List<PendingStateWrite> states, IReadOnlyList<PendingWrite> batch, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (states.Count > 0)
        {
            if (HasRepeatedRecord(states))
            {
                await ApplyOneByOneAsync(connection, transaction, states, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await ApplySetBasedAsync(connection, transaction, states, cancellationToken).ConfigureAwait(false);
            }
        }
        var rows = RowChanges.LastPerRow(batch.SelectMany(write => write switch
        {
            PendingStateWrite { Applied: true } state => state.Rows,
            PendingRowsWrite standalone => standalone.Rows,
            _ => [],
        }));
        if (rows.Count > 0)
        {
            await using var rowStatements = new NpgsqlBatch(connection, transaction);
            var puts = rows.Where(row => row.Value is not null).ToList();
            var deletes = rows.Where(row => row.Value is null).ToList();
            if (puts.Count > 0)
            {
                var put = new NpgsqlBatchCommand(PutRows);
                put.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. puts.Select(row => row.Table)] });
                put.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. puts.Select(row => row.Key)] });
                put.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = [.. puts.Select(row => row.Value!)] });
                rowStatements.BatchCommands.Add(put);
            }
            if (deletes.Count > 0)
            {
                var delete = new NpgsqlBatchCommand(DeleteRows);
                delete.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. deletes.Select(row => row.Table)] });
                delete.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. deletes.Select(row => row.Key)] });
                rowStatements.BatchCommands.Add(delete);
            }
            await rowStatements.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// All updates of the batch in one statement and all inserts in another, each joined to arrays of the writes and
    /// returning the records they changed, so the server plans two statements however many writes share the commit.
    /// </summary>
    private static async Task ApplySetBasedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<PendingStateWrite> states, CancellationToken cancellationToken)
    {
        var updates = states.Where(write => write.ExpectedVersion is not null).ToList();
        var inserts = states.Where(write => write.ExpectedVersion is null).ToList();
        await using var statements = new NpgsqlBatch(connection, transaction);
        if (updates.Count > 0)
        {
            var update = new NpgsqlBatchCommand(UpdateStates);
            AddRecordArrays(update, updates);
            update.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. updates.Select(write => write.ExpectedVersion!.Value)] });
            statements.BatchCommands.Add(update);
        }
        if (inserts.Count > 0)
        {
            var insert = new NpgsqlBatchCommand(InsertStates);
            AddRecordArrays(insert, inserts);
            statements.BatchCommands.Add(insert);
        }
        var applied = new HashSet<(string, string)>();
        await using (var reader = await statements.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            do
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    applied.Add((reader.GetString(0), reader.GetString(1)));
                }
            }
            while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));
        }
        foreach (var write in states)
        {
            write.RecordOutcome(applied.Contains((write.GrainId, write.StateName)));
        }
    }

    private static async Task ApplyOneByOneAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<PendingStateWrite> states, CancellationToken cancellationToken)
    {
        await using var statements = new NpgsqlBatch(connection, transaction);
        foreach (var write in states)
        {
            statements.BatchCommands.Add(StateCommand(write));
        }
        await statements.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < states.Count; i++)
        {
            states[i].RecordOutcome(statements.BatchCommands[i].RecordsAffected == 1);
        }
    }

    /// <summary>Whether two writes of the batch go to one record (two activations of one grain); they must then apply in order.</summary>
    private static bool HasRepeatedRecord(List<PendingStateWrite> states)
    {
        for (var i = 1; i < states.Count; i++)
        {
            if (states[i].GrainId == states[i - 1].GrainId && states[i].StateName == states[i - 1].StateName)
            {
                return true;
            }
        }
        return false;
    }

    private static void AddRecordArrays(NpgsqlBatchCommand command, List<PendingStateWrite> writes)
    {
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. writes.Select(write => write.GrainId)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. writes.Select(write => write.StateName)] });
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = [.. writes.Select(write => write.Json)] });
    }

    private static NpgsqlBatchCommand StateCommand(PendingStateWrite write)
    {
        var command = new NpgsqlBatchCommand(write.ExpectedVersion is null ? InsertState : UpdateState);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = write.GrainId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = write.StateName });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Json, Value = (object?)write.Json ?? DBNull.Value });
        if (write.ExpectedVersion is { } version)
        {
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = version });
        }
        return command;
    }

    private NpgsqlCommand RangeCommand(string columns, string table, KeyRange range)
    {
        var command = dataSource.CreateCommand($"SELECT {columns} FROM read_model WHERE table_name = $1 AND row_key {(range.LowerExclusive ? ">" : ">=")} $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = table });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = range.Lower });
        if (range.Upper is { } upper)
        {
            command.CommandText += " AND row_key < $3";
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = upper });
        }
        return command;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
