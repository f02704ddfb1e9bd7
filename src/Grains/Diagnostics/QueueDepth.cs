namespace MachineGrid.Grains;

/// <summary>
/// One group activation's count of queued runs, as the queue-depth gauge reads it. The grain reports after activating
/// and after each change, and disposes it when deactivating; a report after that is ignored, so nothing stale is left.
/// </summary>
internal sealed class QueueDepth : IDisposable
{
    private int queued;
    private bool tracked;
    private bool disposed;

    public int Queued => Volatile.Read(ref queued);

    public void Report(int count)
    {
        Volatile.Write(ref queued, count);
        if (!tracked && !disposed)
        {
            tracked = true;
            GridMetrics.Track(this);
        }
    }

    public void Dispose()
    {
        disposed = true;
        GridMetrics.Untrack(this);
    }
}
