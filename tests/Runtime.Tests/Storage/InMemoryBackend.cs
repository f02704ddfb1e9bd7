using MachineGrid.Runtime.Persistence.InMemory;

namespace MachineGrid.Runtime.Tests.Storage;

/// <summary>The in-memory provider; reopening returns the same instances.</summary>
internal sealed class InMemoryBackend : StorageBackend
{
    private readonly StorageUnderTest stores = new(new InMemoryGrainStorage(), new InMemoryReminderTable(), new InMemoryIndexStore(), Owner: null);

    /// <inheritdoc />
    public override Task<StorageUnderTest> OpenAsync() => Task.FromResult(stores);

    /// <inheritdoc />
    public override Task<IAsyncDisposable> HoldWritesAsync() => Task.FromResult<IAsyncDisposable>(new NoHold());

    /// <inheritdoc />
    public override Task<bool> RejectIndexKeyAsync(string key) => Task.FromResult(false);

    private sealed class NoHold : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
