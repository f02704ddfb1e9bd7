namespace MachineGrid.Runtime.Tests.Storage;

/// <summary>The index store contract against the in-memory provider.</summary>
public sealed class InMemoryIndexStoreTests : IndexStoreConformanceTests
{
    internal override StorageBackend Backend { get; } = new InMemoryBackend();
}
