using System.Collections.Concurrent;

namespace MachineGrid.Bench.Lifecycle;

/// <summary>
/// Counts grain calls per target grain type while <see cref="Recording"/> is set, for <c>--profile</c>. The old runtime
/// published a per-type call counter on its meter; Orleans has none, so the benchmark's silo gets this incoming call
/// filter, only when profiling (the filter is one more step on every call).
/// </summary>
public sealed class GrainCallCounter : IIncomingGrainCallFilter
{
    private readonly ConcurrentDictionary<string, long> calls = new();

    /// <summary>Whether calls are counted now.</summary>
    public bool Recording { get; set; }

    /// <summary>Calls counted per grain type since the last <see cref="Reset"/>.</summary>
    public IReadOnlyDictionary<string, long> Calls => calls;

    /// <summary>Forgets what was counted.</summary>
    public void Reset() => calls.Clear();

    /// <inheritdoc />
    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (Recording)
        {
            calls.AddOrUpdate(context.TargetId.Type.ToString() ?? "?", 1, static (_, total) => total + 1);
        }
        return context.Invoke();
    }
}
