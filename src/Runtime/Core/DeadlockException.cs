namespace MachineGrid.Runtime;

/// <summary>A call would wait on a non-reentrant grain that is already waiting further up the same call chain.</summary>
public sealed class DeadlockException(IReadOnlyList<GrainId> chain, string method)
    : Exception($"Deadlock: call to {method} on {chain[^1]} would wait on itself through the call chain {string.Join(" -> ", chain)}.")
{
    /// <summary>The grains of the cycle, caller first, ending with the grain that was called again.</summary>
    public IReadOnlyList<GrainId> Chain { get; } = chain;
}
