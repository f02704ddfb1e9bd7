namespace MachineGrid.Runtime.Tests.Storage;

/// <summary>The storage contract against the in-memory provider; reopening returns the same instances.</summary>
public sealed class InMemoryStorageTests : StorageConformanceTests
{
    internal override StorageBackend Backend { get; } = new InMemoryBackend();
}
