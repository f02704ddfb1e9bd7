namespace MachineGrid.Grains;

/// <summary>
/// Coalesces writes of one grain's state. A caller that changed the state awaits <see cref="FlushAsync"/>: it joins the
/// next write, which starts as soon as no write is running and so carries every change made until it starts. Many
/// operations of a reentrant grain thus share one durable write, and each returns only after a write that includes its
/// change. Use only from the grain's own turns (they never run in parallel, so no locking is needed).
/// </summary>
public sealed class StateFlusher(Func<Task> write)
{
    private TaskCompletionSource? pending;
    private bool writing;

    /// <summary>Whether a write is running or waiting to start.</summary>
    public bool IsBusy => writing || pending is not null;

    /// <summary>Completes once a write that started after this call is durable.</summary>
    public Task FlushAsync()
    {
        pending ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var flushed = pending.Task;
        if (!writing)
        {
            _ = PumpAsync();
        }
        return flushed;
    }

    private async Task PumpAsync()
    {
        writing = true;
        try
        {
            while (pending is { } batch)
            {
                pending = null;
                try
                {
                    await write();
                    batch.TrySetResult();
                }
                catch (Exception ex)
                {
                    batch.TrySetException(ex);
                }
            }
        }
        finally
        {
            writing = false;
        }
    }
}
