namespace MachineGrid.Runtime.Persistence;

/// <summary>
/// Durable grain state storage with optimistic concurrency. Every method returns only after its change is durable.
/// Implementations group-commit: concurrent writes share one transaction.
/// </summary>
public interface IGrainStorage
{
    /// <summary>Reads the record, or null when none was ever written.</summary>
    Task<StoredState?> ReadAsync(GrainId grainId, string stateName, CancellationToken cancellationToken = default);

    /// <summary>Stores <paramref name="data"/> if the stored version equals <paramref name="etag"/> (null: no record exists). Returns the new version.</summary>
    /// <exception cref="InconsistentStateException">The stored version differs; nothing was written.</exception>
    Task<string> WriteAsync(GrainId grainId, string stateName, byte[] data, string? etag, CancellationToken cancellationToken = default);

    /// <summary>Clears the value if the stored version equals <paramref name="etag"/>, keeping a newer version. Returns the new version.</summary>
    /// <exception cref="InconsistentStateException">The stored version differs; nothing was changed.</exception>
    Task<string> ClearAsync(GrainId grainId, string stateName, string? etag, CancellationToken cancellationToken = default);
}
