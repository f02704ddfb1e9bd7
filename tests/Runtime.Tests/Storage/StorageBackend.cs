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
    /// Makes the database reject every later put of index key <paramref name="key"/>, as a constraint only the database
    /// knows would. Returns false when the provider has no database to do that (in-memory).
    /// </summary>
    public abstract Task<bool> RejectIndexKeyAsync(string key);

    /// <summary>Removes the backing store.</summary>
    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
