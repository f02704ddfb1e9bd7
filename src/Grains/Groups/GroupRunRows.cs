using System.Text.Json;
using MachineGrid.Persistence;

namespace MachineGrid.Grains;

/// <summary>
/// Keeps a group's queued and assigned runs as one row each in the <c>groupruns</c> index table (key
/// <c>{groupId}/{runId}</c>), so a write costs what changed since the last one, not the length of the queue. The group
/// puts rows; a run's row is deleted by the run itself, in the same commit as its end (<see cref="RunIndex.UpdateAsync"/>),
/// so a run its group let go is never lost to a crash before its end is on record: until then its group reads it back.
/// </summary>
public sealed class GroupRunRows(IReadModel index)
{
    /// <summary>The index table.</summary>
    public const string Table = "groupruns";

    private const int PageSize = 1000;

    /// <summary>Reads every stored run of the group into <paramref name="runs"/>.</summary>
    public async Task LoadAsync(string groupId, GroupRuns runs)
    {
        var prefix = RowPrefix(groupId);
        string? after = null;
        while (true)
        {
            var page = await index.ScanAsync(Table, prefix, after, PageSize);
            foreach (var row in page)
            {
                var stored = JsonSerializer.Deserialize(row.Value, GrainStateJsonContext.Default.GroupRunRow)!;
                if (stored.Queued is { } queued)
                {
                    runs.Queued[queued.Run.RunId] = queued;
                }
                else if (stored.Assigned is { } assigned)
                {
                    runs.Assigned[assigned.Run.RunId] = assigned;
                }
            }
            if (page.Count < PageSize)
            {
                return;
            }
            after = page[^1].Key;
        }
    }

    /// <summary>
    /// Writes the current row of each run in <paramref name="changed"/> that is queued or assigned. A run that has
    /// neither has ended (or is told to end), and its row is deleted with its end record.
    /// </summary>
    public Task SaveAsync(string groupId, GroupRuns runs, IEnumerable<string> changed)
    {
        var changes = new List<RowChange>();
        foreach (var runId in changed)
        {
            var row = runs.Queued.TryGetValue(runId, out var queued) ? new GroupRunRow(queued, null)
                : runs.Assigned.TryGetValue(runId, out var assigned) ? new GroupRunRow(null, assigned)
                : null;
            if (row is not null)
            {
                changes.Add(RowChange.Put(Table, KeyOf(groupId, runId), JsonSerializer.SerializeToUtf8Bytes(row, GrainStateJsonContext.Default.GroupRunRow)));
            }
        }
        return changes.Count == 0 ? Task.CompletedTask : index.WriteAsync(changes);
    }

    /// <summary>Deletes the row of a run of the group that has no record (see <see cref="IMachineGroupGrain.DropMissingRun"/>).</summary>
    public Task DeleteAsync(string groupId, string runId) => index.WriteAsync([Release(groupId, runId)]);

    /// <summary>Deletes the row of a run of the group that ended.</summary>
    public static RowChange Release(string groupId, string runId) => RowChange.Delete(Table, KeyOf(groupId, runId));

    private static string KeyOf(string groupId, string runId) => string.Concat(groupId, "/", runId);

    private static string RowPrefix(string groupId) => groupId + "/";
}

/// <summary>A stored run of a group: exactly one of the two is set.</summary>
/// <param name="Queued">The run waits in the queue.</param>
/// <param name="Assigned">The run is placed on a member.</param>
public sealed record GroupRunRow(QueuedEntry? Queued, AssignedEntry? Assigned);
