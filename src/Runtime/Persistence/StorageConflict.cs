namespace MachineGrid.Runtime.Persistence;

/// <summary>Builds the exception for a write whose ETag does not match the stored version.</summary>
internal static class StorageConflict
{
    /// <summary>An <see cref="InconsistentStateException"/> naming the grain, the state, and both versions.</summary>
    public static InconsistentStateException Create(GrainId grainId, string stateName, string? expectedETag, long? actualVersion) =>
        new($"State '{stateName}' of grain {grainId} was not written: expected version {expectedETag ?? "none (no record)"}, " +
            $"but storage has {(actualVersion is { } actual ? "version " + StorageVersion.ToETag(actual) : "no record")}.");

    /// <summary>An <see cref="InconsistentStateException"/> for a conflict whose stored version could not be read.</summary>
    public static InconsistentStateException CreateUnknown(GrainId grainId, string stateName, string? expectedETag) =>
        new($"State '{stateName}' of grain {grainId} was not written: expected version {expectedETag ?? "none (no record)"}, but storage has another.");
}
