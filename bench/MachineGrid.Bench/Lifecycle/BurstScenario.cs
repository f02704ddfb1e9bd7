using System.Diagnostics;
using MachineGrid.Grains;

namespace MachineGrid.Bench.Lifecycle;

/// <summary>
/// <c>burst</c>: one group, every run submitted at once (after a warm-up burst). Agents complete runs immediately, so
/// every run is eventually assigned; the latency is from its submit call to its agent holding the assignment, and so
/// includes waiting in the queue for a free machine when there are more runs than sessions.
/// </summary>
public static class BurstScenario
{
    /// <summary>Warm-up bursts of at most this many runs each, so the warm-up does not hold all its runs at once.</summary>
    private const int WarmupBurst = 10_000;

    /// <summary>
    /// The pause between the warm-up and the measured burst, so that burst arrives at a quiet silo, as a burst does,
    /// rather than on the tail of the warm-up and its background work. The journal hands the warm-up's last changes to
    /// SQLite 0.5 to 0.65 s after they were made, which takes 40 to 160 ms and is followed by a checkpoint: after a
    /// pause of 0.5 s, that landed inside the measured burst in some runs.
    /// </summary>
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(1500);

    /// <summary>Runs warm-up bursts and the measured burst, and prints the result.</summary>
    public static async Task RunAsync(LifecycleOptions options)
    {
        await using var fleet = await InProcessFleet.StartAsync(options);
        for (var done = 0; done < options.Warmup; done += WarmupBurst)
        {
            await BurstAsync(fleet.Grid, fleet.Tracker, done, Math.Min(WarmupBurst, options.Warmup - done), "warm-up");
            BenchStop.ThrowIfRequested();
        }
        await Task.Delay(Settle);
        using var probe = new RuntimeProbe(options.Profile, fleet.Grid.Calls);
        probe.Start();
        var wall = await BurstAsync(fleet.Grid, fleet.Tracker, options.Warmup, options.Runs, "measure");
        var seen = probe.Stop(options.Runs) + Environment.NewLine + await fleet.Grid.DescribeActivationsAsync();
        LifecycleReport.Print("burst", options, fleet.Storage.Describe(), fleet.Tracker, options.Warmup, options.Runs, wall, seen);
    }

    private static async Task<TimeSpan> BurstAsync(InProcessGrid grid, RunTracker tracker, int from, int count, string phase)
    {
        var started = Stopwatch.GetTimestamp();
        var runs = new Task[count];
        for (var i = 0; i < count; i++)
        {
            var ticket = from + i;
            runs[i] = LifecycleAsync(ticket);
        }
        await LifecycleDriver.WatchAsync(Task.WhenAll(runs), tracker, phase);
        return Stopwatch.GetElapsedTime(started);

        async Task LifecycleAsync(int ticket)
        {
            var completed = tracker.Begin(ticket);
            await grid.Grains.GetGrain<IRunGrain>(Ids.New("r")).Submit(grid.Owner,
                new SubmitRun(grid.Connections[0], RunTracker.FlowId(ticket), null, RunMode.Unattended));
            tracker.Submitted(ticket);
            await completed;
        }
    }
}
