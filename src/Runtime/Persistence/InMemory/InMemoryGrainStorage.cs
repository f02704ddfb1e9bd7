namespace MachineGrid.Runtime.Persistence.InMemory;

/// <summary>Grain state kept in process memory, for tests. Thread-safe, with the same ETag rules as the durable providers.</summary>
internal sealed class InMemoryGrainStorage : IGrainStorage
{
    private readonly Dictionary<(string Type, string Key, string Name), (byte[]? Data, long Version)> records = [];
    private readonly Lock gate = new();

    /// <inheritdoc />
    public Task<StoredState?> ReadAsync(GrainId grainId, string stateName, CancellationToken cancellationToken = default) => InMemoryTask.Run(() =>
    {
        StorageArguments.Validate(grainId, stateName, nameof(stateName));
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            return records.TryGetValue((grainId.Type, grainId.Key, stateName), out var record)
                ? new StoredState(record.Data?.ToArray(), StorageVersion.ToETag(record.Version))
                : null;
        }
    });

    /// <inheritdoc />
    public Task<string> WriteAsync(GrainId grainId, string stateName, byte[] data, string? etag, CancellationToken cancellationToken = default) => InMemoryTask.Run(() =>
    {
        ArgumentNullException.ThrowIfNull(data);
        return Store(grainId, stateName, data.ToArray(), etag, cancellationToken);
    });

    /// <inheritdoc />
    public Task<string> ClearAsync(GrainId grainId, string stateName, string? etag, CancellationToken cancellationToken = default) =>
        InMemoryTask.Run(() => Store(grainId, stateName, null, etag, cancellationToken));

    private string Store(GrainId grainId, string stateName, byte[]? data, string? etag, CancellationToken cancellationToken)
    {
        StorageArguments.Validate(grainId, stateName, nameof(stateName));
        cancellationToken.ThrowIfCancellationRequested();
        var expected = StorageVersion.FromETag(etag);
        var key = (grainId.Type, grainId.Key, stateName);
        lock (gate)
        {
            long? stored = records.TryGetValue(key, out var record) ? record.Version : null;
            if (stored != expected)
            {
                throw StorageConflict.Create(grainId, stateName, etag, stored);
            }
            var version = (stored ?? 0) + 1;
            records[key] = (data, version);
            return StorageVersion.ToETag(version);
        }
    }
}
