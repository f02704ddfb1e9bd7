namespace MachineGrid.Runtime.Persistence.InMemory;

/// <summary>Runs synchronous in-memory work and reports its result or exception through a task, as the durable providers do.</summary>
internal static class InMemoryTask
{
    /// <summary>The result of <paramref name="work"/> as a completed task, or its exception as a faulted one.</summary>
    public static Task<T> Run<T>(Func<T> work)
    {
        try
        {
            return Task.FromResult(work());
        }
        catch (OperationCanceledException ex)
        {
            return Task.FromCanceled<T>(ex.CancellationToken.IsCancellationRequested ? ex.CancellationToken : new CancellationToken(true));
        }
        catch (Exception ex)
        {
            return Task.FromException<T>(ex);
        }
    }
}
