namespace MachineGrid.Grains;

/// <summary>
/// Writes what changed in a group. Run rows alone are written at once: the storage applies and flushes writes in the
/// order they were made, so they need not wait for one another. The details carry an ETag, so they go one write at a
/// time through a <see cref="StateFlusher"/>, and while it is busy, rows join it too (so a caller is answered only after
/// a write that carries all of its changes).
/// </summary>
internal sealed class GroupStore
{
    private readonly GroupRunRows rows;
    private readonly Func<string> groupId;
    private readonly GroupScheduler scheduler;
    private readonly Func<Task> writeDetails;
    private readonly StateFlusher flusher;

    public GroupStore(GroupRunRows rows, Func<string> groupId, GroupScheduler scheduler, Func<Task> writeDetails)
    {
        this.rows = rows;
        this.groupId = groupId;
        this.scheduler = scheduler;
        this.writeDetails = writeDetails;
        flusher = new StateFlusher(WriteAsync);
    }

    /// <summary>Whether the next write must include the group's details (not only its runs).</summary>
    public bool DetailsChanged { get; set; }

    public async Task LoadAsync()
    {
        await rows.LoadAsync(groupId(), scheduler.Runs);
        scheduler.Rebuild();
    }

    /// <summary>Deletes the row of a run the group let go that will never end.</summary>
    public Task DeleteRowAsync(string runId) => rows.DeleteAsync(groupId(), runId);

    public Task SaveAsync() => DetailsChanged || flusher.IsBusy ? flusher.FlushAsync() : WriteRowsAsync();

    private async Task WriteRowsAsync()
    {
        var changed = scheduler.TakeChangedRuns();
        try
        {
            await rows.SaveAsync(groupId(), scheduler.Runs, changed);
        }
        catch
        {
            scheduler.RestoreChangedRuns(changed);
            throw;
        }
    }

    /// <summary>Writes the rows of the runs that changed, and the details when they changed; both go into the same group commit.</summary>
    private async Task WriteAsync()
    {
        var details = DetailsChanged;
        var changed = scheduler.TakeChangedRuns();
        DetailsChanged = false;
        try
        {
            var runsWritten = rows.SaveAsync(groupId(), scheduler.Runs, changed);
            await (details ? Task.WhenAll(writeDetails(), runsWritten) : runsWritten);
        }
        catch
        {
            DetailsChanged |= details;
            scheduler.RestoreChangedRuns(changed);
            throw;
        }
    }
}
