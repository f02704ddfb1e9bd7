using System.Collections.Concurrent;

namespace MachineGrid.Grains;

/// <summary>
/// Wakes an agent's long-poll in this process as soon as its machine is offered a run. The waiter subscribes before it
/// looks for assignments, so an offer made between the look and the wait is not missed.
/// </summary>
public sealed class AssignmentSignals
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> waiting = new();

    /// <summary>A task that completes at the machine's next offer.</summary>
    public Task Subscribe(string machineId) =>
        waiting.GetOrAdd(machineId, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Wakes the machine's waiters.</summary>
    public void Notify(string machineId)
    {
        if (waiting.TryRemove(machineId, out var signal))
        {
            signal.TrySetResult();
        }
    }
}
