namespace MachineGrid.Grains;

/// <summary>
/// The last runs a group stopped holding (ended, cancelled, timed out), with where each had been placed. A run that is
/// not active when its end is announced is activated by that news, and on activation asks its group where it is placed
/// (or enqueues itself again when its group does not hold it); meanwhile the group has already let it go. This tells
/// such a run where it was and keeps it from being queued a second time. The window to cover is from the group letting
/// the run go to the run, once activated, asking: one state read. 4,096 runs cover that window at several thousand ends
/// a second in one group, such as after a restart of a busy fleet, in about half a megabyte.
/// </summary>
public sealed class RecentlyEnded(int capacity = 4096)
{
    private readonly Dictionary<string, RunPlacement?> placements = [];
    private readonly Queue<string> order = new();

    /// <summary>Records that the group let <paramref name="runId"/> go, placed as given (null when it was only queued).</summary>
    public void Add(string runId, RunPlacement? placement)
    {
        if (placements.TryAdd(runId, placement))
        {
            order.Enqueue(runId);
            if (order.Count > capacity)
            {
                placements.Remove(order.Dequeue());
            }
        }
        else
        {
            placements[runId] = placement;
        }
    }

    /// <summary>Whether the group let the run go lately.</summary>
    public bool Contains(string runId) => placements.ContainsKey(runId);

    /// <summary>Where the run was placed when the group let it go; null when it was not placed or not let go lately.</summary>
    public RunPlacement? PlacementOf(string runId) => placements.GetValueOrDefault(runId);
}
