using MachineGrid.Grains;

namespace MachineGrid.Bench.Lifecycle;

/// <summary>
/// <c>lifecycle --mode inproc</c>: an Orleans silo in this process, grains called through its cluster client. Submitters submit through each group's
/// connection in turn; every machine's agent long-waits for offers, starts and completes each run at once.
/// </summary>
public static class InProcessLifecycle
{
    /// <summary>Runs the warm-up, then the measured lifecycles, and prints the result.</summary>
    public static async Task RunAsync(LifecycleOptions options)
    {
        await using var fleet = await InProcessFleet.StartAsync(options);
        var grid = fleet.Grid;
        Task Submit(int ticket) => grid.Grains.GetGrain<IRunGrain>(Ids.New("r")).Submit(grid.Owner,
            new SubmitRun(grid.Connections[ticket % grid.Connections.Count], RunTracker.FlowId(ticket), null, RunMode.Unattended));

        await LifecycleDriver.RunAsync(fleet.Tracker, 0, options.Warmup, options.Concurrency, Submit, "warm-up");
        using var probe = new RuntimeProbe(options.Profile, grid.Calls);
        probe.Start();
        var wall = await LifecycleDriver.RunAsync(fleet.Tracker, options.Warmup, options.Runs, options.Concurrency, Submit, "measure");
        var seen = probe.Stop(options.Runs) + Environment.NewLine + await grid.DescribeActivationsAsync();
        LifecycleReport.Print("lifecycle", options, fleet.Storage.Describe(), fleet.Tracker, options.Warmup, options.Runs, wall, seen);
    }
}
