using System.Diagnostics;
using MachineGrid.Grains;

namespace MachineGrid.Bench.Lifecycle;

/// <summary>
/// One session of a simulated machine's agent, calling the machine grain directly: long-waits for an offer the way the
/// gateway's <c>GET /agent/assignments</c> does (subscribe to the machine's signal, take if it may find one, wait), then starts the run,
/// runs the flow for the given time (none by default), and completes it.
/// </summary>
public static class InProcessAgent
{
    /// <summary>
    /// Works until <paramref name="stop"/> is cancelled. Waits observe it through the token rather than
    /// <c>Task.WhenAny</c> with a shared task, whose continuation list every waiting session would join and leave.
    /// </summary>
    public static async Task RunAsync(InProcessGrid grid, string machineId, RunTracker tracker, TimeSpan flow, CancellationToken stop)
    {
        var machine = grid.Grains.GetGrain<IMachineGrain>(machineId);
        var signals = grid.Signals;
        long freedAt = 0;
        while (!stop.IsCancellationRequested)
        {
            var signal = signals.Subscribe(machineId);
            if (!signal.MayHaveOffers || await machine.TakeAssignments(1) is not [var assignment])
            {
                try
                {
                    await signal.Offered.WaitAsync(stop);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                continue;
            }
            var ticket = tracker.Assigned(assignment.FlowId, freedAt);
            var started = Stopwatch.GetTimestamp();
            await machine.StartRun(assignment.RunId);
            tracker.Started(ticket, RunTracker.Since(started));
            if (flow > TimeSpan.Zero)
            {
                await Task.Delay(flow);
            }
            var completing = Stopwatch.GetTimestamp();
            freedAt = completing;
            await machine.CompleteRun(assignment.RunId, true, null, null);
            tracker.Completed(ticket, RunTracker.Since(completing));
        }
    }
}
