using MachineGrid.Runtime.Persistence;

namespace MachineGrid.Runtime.Tests.Storage;

/// <summary>One provider's backing store for the conformance suites: it creates the store, opens the provider on it, and can hold or constrain the database's writes.</summary>
internal abstract class StorageBackend : IAsyncDisposable
{
    /// <summary>Creates the empty backing store (a file, a database).</summary>
    public virtual Task PrepareAsync() => Task.CompletedTask;

    /// <summary>Opens the stores on the backing store; called again after each close to check durability.</summary>
    public abstract Task<StorageUnderTest> OpenAsync();

    /// <summary>Blocks the provider's writer until the returned handle is disposed, so queued writes join one batch.</summary>
    public abstract Task<IAsyncDisposable> HoldWritesAsync();

    /// <summary>
    /// Holds the writer with one write of <paramref name="storage"/> parked in its blocked commit, so every write queued
    /// before the handle is disposed joins the next batch together. Without the parked write the committer could take
    /// the first queued write alone into the blocked commit, a race that shows under load.
    /// </summary>
    public async Task<IAsyncDisposable> HoldOneBatchAsync(IGrainStorage storage)
    {
        var hold = await HoldWritesAsync();
        var parked = storage.WriteAsync(new GrainId("parked", Guid.NewGuid().ToString("N")), "state", [0], null);
        // Long enough for the committer to wake and block on the held lock with the parked write.
        await Task.Delay(TimeSpan.FromMilliseconds(200));
        return new BatchHold(hold, parked);
    }

    /// <summary>
    /// Makes the database reject every later put of index key <paramref name="key"/>, as a constraint only the database
    /// knows would. Returns false when the provider has no database to do that (in-memory).
    /// </summary>
    public abstract Task<bool> RejectIndexKeyAsync(string key);

    /// <summary>Removes the backing store.</summary>
    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>Releases the writer, then waits for the parked write to commit.</summary>
internal sealed class BatchHold(IAsyncDisposable hold, Task parked) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        await hold.DisposeAsync();
        await parked;
    }
}
