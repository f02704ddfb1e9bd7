using System.Text.Json;
using MachineGrid.Runtime.Persistence;

namespace MachineGrid.Grains;

/// <summary>
/// Keeps a group's queued and assigned runs as one row each in the <c>groupruns</c> index table (key
/// <c>{groupId}/{runId}</c>), so a write costs what changed since the last one, not the length of the queue.
/// </summary>
public sealed class GroupRunRows(IIndexStore index)
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

    /// <summary>Writes the current row of each run in <paramref name="changed"/>: its queued or assigned entry, or a delete once it has neither.</summary>
    public Task SaveAsync(string groupId, GroupRuns runs, IEnumerable<string> changed)
    {
        var prefix = RowPrefix(groupId);
        var changes = new List<IndexChange>();
        foreach (var runId in changed)
        {
            var row = runs.Queued.TryGetValue(runId, out var queued) ? new GroupRunRow(queued, null)
                : runs.Assigned.TryGetValue(runId, out var assigned) ? new GroupRunRow(null, assigned)
                : null;
            changes.Add(row is null
                ? IndexChange.Delete(Table, prefix + runId)
                : IndexChange.Put(Table, prefix + runId, JsonSerializer.SerializeToUtf8Bytes(row, GrainStateJsonContext.Default.GroupRunRow)));
        }
        return changes.Count == 0 ? Task.CompletedTask : index.ApplyAsync(changes);
    }

    private static string RowPrefix(string groupId) => groupId + "/";
}

/// <summary>A stored run of a group: exactly one of the two is set.</summary>
/// <param name="Queued">The run waits in the queue.</param>
/// <param name="Assigned">The run is placed on a member.</param>
public sealed record GroupRunRow(QueuedEntry? Queued, AssignedEntry? Assigned);
