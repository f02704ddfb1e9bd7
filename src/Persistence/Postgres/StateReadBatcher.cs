using MachineGrid.Persistence.Writes;
using Npgsql;

namespace MachineGrid.Persistence.Postgres;

/// <summary>
/// Reads grain state the way the committer writes it: while one query is out, the reads that arrive wait, and the next
/// query fetches all of them at once. A busy silo activates many grains together (a new run reads its empty record,
/// and every lifecycle starts a run), so this turns hundreds of round trips into a few; a lone read goes at once.
/// </summary>
internal sealed class StateReadBatcher : IAsyncDisposable
{
    private const int MaxBatchReads = 500;

    private const string ReadStates = """
        SELECT g.grain_id, g.state_name, g.version, g.state::text
        FROM unnest($1::text[], $2::text[]) AS w(grain_id, state_name)
        JOIN grain_state g ON g.grain_id = w.grain_id AND g.state_name = w.state_name
        """;

    private readonly NpgsqlDataSource dataSource;
    private readonly BatchLoop<PendingRead> queue;

    public StateReadBatcher(NpgsqlDataSource dataSource)
    {
        this.dataSource = dataSource;
        queue = new BatchLoop<PendingRead>(ReadBatchAsync, MaxBatchReads);
    }

    public Task<StoredState?> ReadAsync(string grainId, string stateName)
    {
        var read = new PendingRead(grainId, stateName);
        if (!queue.TryAdd(read))
        {
            throw new ObjectDisposedException(nameof(StateReadBatcher), "The storage is shut down and serves no more reads.");
        }
        return read.Result.Task;
    }

    public ValueTask DisposeAsync() => queue.DisposeAsync();

    private async Task ReadBatchAsync(List<PendingRead> batch)
    {
        var found = new Dictionary<(string, string), StoredState>();
        try
        {
            await using var command = dataSource.CreateCommand(ReadStates);
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. batch.Select(read => read.GrainId)] });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. batch.Select(read => read.StateName)] });
            await using var rows = await command.ExecuteReaderAsync().ConfigureAwait(false);
            while (await rows.ReadAsync().ConfigureAwait(false))
            {
                found[(rows.GetString(0), rows.GetString(1))] = new StoredState(rows.GetInt64(2), rows.IsDBNull(3) ? null : rows.GetString(3));
            }
        }
        catch (Exception ex)
        {
            foreach (var read in batch)
            {
                read.Result.TrySetException(ex);
            }
            return;
        }
        foreach (var read in batch)
        {
            read.Result.TrySetResult(found.GetValueOrDefault((read.GrainId, read.StateName)));
        }
    }

    private sealed class PendingRead(string grainId, string stateName)
    {
        public string GrainId => grainId;

        public string StateName => stateName;

        public TaskCompletionSource<StoredState?> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
