using Npgsql;

namespace MachineGrid.Bench.Baseline;

/// <summary>
/// The plain PostgreSQL queue the grid is compared with: one table of runs, a partial index on the queued ones per
/// group, dispatch by <c>SELECT … FOR UPDATE SKIP LOCKED LIMIT 1</c> and an <c>UPDATE</c> in one transaction, and a
/// <c>NOTIFY</c> on the <c>baseline_runs</c> channel (payload: the group) in the submitting transaction.
/// Every statement commits durably (<c>synchronous_commit</c> left at its default, on).
/// </summary>
public sealed class BaselineQueue : IAsyncDisposable
{
    /// <summary>The channel submitters notify and the listener listens on.</summary>
    public const string Channel = "baseline_runs";

    private const short Queued = 0;
    private const short Assigned = 1;
    private const short Succeeded = 2;

    private readonly NpgsqlDataSource machines;
    private readonly NpgsqlDataSource submitters;
    private readonly bool notify;

    private BaselineQueue(NpgsqlDataSource machines, NpgsqlDataSource submitters, bool notify) =>
        (this.machines, this.submitters, this.notify) = (machines, submitters, notify);

    /// <summary>
    /// Creates the table (dropping an earlier one) and two pools: <paramref name="machinePool"/> connections the
    /// machines share and <paramref name="submitterPool"/> the submitters share. <paramref name="notify"/> makes
    /// submits also <c>NOTIFY</c>.
    /// </summary>
    public static async Task<BaselineQueue> CreateAsync(string connectionString, int machinePool, int submitterPool, bool notify)
    {
        var machines = Pool(connectionString, machinePool, "baseline-machines");
        var submitters = Pool(connectionString, submitterPool, "baseline-submitters");
        await using (var command = machines.CreateCommand(
            $"""
            DROP TABLE IF EXISTS baseline_runs;
            CREATE TABLE baseline_runs (
                id bigserial PRIMARY KEY,
                group_id int NOT NULL,
                status smallint NOT NULL,
                machine_id int NULL,
                flow_id text NOT NULL,
                submitted_at timestamptz NOT NULL,
                assigned_at timestamptz NULL,
                completed_at timestamptz NULL);
            CREATE INDEX baseline_runs_queued ON baseline_runs (group_id, id) WHERE status = {Queued};
            """))
        {
            await command.ExecuteNonQueryAsync();
        }
        return new BaselineQueue(machines, submitters, notify);
    }

    /// <summary>A dedicated connection (outside the pools) that listens on <see cref="Channel"/>.</summary>
    public static async Task<NpgsqlConnection> ListenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = false,
            ApplicationName = "baseline-listener",
            KeepAlive = 0,
        }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"LISTEN {Channel}", connection);
        await command.ExecuteNonQueryAsync();
        return connection;
    }

    /// <summary>Inserts a queued run of <paramref name="group"/> carrying <paramref name="flowId"/> (and notifies, in the same transaction).</summary>
    public async Task SubmitAsync(int group, string flowId)
    {
        await using var connection = await submitters.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection);
        var insert = new NpgsqlBatchCommand($"INSERT INTO baseline_runs (group_id, status, flow_id, submitted_at) VALUES ($1, {Queued}, $2, now())");
        insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = group });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = flowId });
        batch.BatchCommands.Add(insert);
        if (notify)
        {
            // One Sync for the batch: PostgreSQL runs both in one implicit transaction, so the notification goes out at its commit.
            var signal = new NpgsqlBatchCommand($"SELECT pg_notify('{Channel}', $1)");
            signal.Parameters.Add(new NpgsqlParameter<string> { TypedValue = group.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            batch.BatchCommands.Add(signal);
        }
        await batch.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Takes the oldest queued run of <paramref name="group"/> for <paramref name="machine"/>: one transaction that
    /// selects it <c>FOR UPDATE SKIP LOCKED</c> and updates it to assigned. Null when none is queued (or all are locked).
    /// </summary>
    public async Task<(long Id, string FlowId)?> DispatchAsync(int group, int machine)
    {
        await using var connection = await machines.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            $"""
            UPDATE baseline_runs SET status = {Assigned}, machine_id = $2, assigned_at = now()
            WHERE id = (SELECT id FROM baseline_runs WHERE group_id = $1 AND status = {Queued} ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING id, flow_id
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = group });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = machine });
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (reader.GetInt64(0), reader.GetString(1)) : null;
    }

    /// <summary>Marks run <paramref name="id"/> succeeded.</summary>
    public async Task CompleteAsync(long id)
    {
        await using var connection = await machines.OpenConnectionAsync();
        await using var command = new NpgsqlCommand($"UPDATE baseline_runs SET status = {Succeeded}, completed_at = now() WHERE id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        await command.ExecuteNonQueryAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await machines.DisposeAsync();
        await submitters.DisposeAsync();
    }

    private static NpgsqlDataSource Pool(string connectionString, int size, string name) =>
        NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString)
        {
            MaxPoolSize = size,
            MinPoolSize = 0,
            MaxAutoPrepare = 8,
            ApplicationName = name,
        });
}
