using System.Diagnostics;
using MachineGrid.Grains;

namespace MachineGrid.Bench.Lifecycle;

/// <summary>
/// One session of a simulated machine's agent, calling the machine grain directly: long-waits for an offer the way the
/// gateway's <c>GET /agent/assignments</c> does (<see cref="IMachineGrain.WaitForAssignments"/> in calls of at most
/// 5 s, again while none comes), then starts the run, runs the flow for the given time (none by default), and
/// completes it.
/// </summary>
public static class InProcessAgent
{
    /// <summary>The longest wait one grain call may ask for.</summary>
    private static readonly TimeSpan LongPoll = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Works until <paramref name="stop"/> is cancelled. A grain call cannot be cancelled, so on stop the session leaves
    /// its wait behind; the call ends in the grain, at the latest when its wait does.
    /// </summary>
    public static async Task RunAsync(InProcessGrid grid, string machineId, RunTracker tracker, TimeSpan flow, CancellationToken stop)
    {
        var machine = grid.Grains.GetGrain<IMachineGrain>(machineId);
        long freedAt = 0;
        while (!stop.IsCancellationRequested)
        {
            IReadOnlyList<Assignment> taken;
            try
            {
                taken = await machine.WaitForAssignments(1, LongPoll).WaitAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            if (taken is not [var assignment])
            {
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
