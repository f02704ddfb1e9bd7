using MachineGrid.Runtime.Persistence.InMemory;

namespace MachineGrid.Runtime.Tests.Storage;

/// <summary>The storage contract against the in-memory provider; reopening returns the same instances.</summary>
public sealed class InMemoryStorageTests : StorageConformanceTests
{
    private readonly StorageUnderTest stores = new(new InMemoryGrainStorage(), new InMemoryReminderTable(), Owner: null);

    internal override Task<StorageUnderTest> OpenAsync() => Task.FromResult(stores);

    protected override Task<IAsyncDisposable> HoldWritesAsync() => Task.FromResult<IAsyncDisposable>(new NoHold());

    private sealed class NoHold : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
