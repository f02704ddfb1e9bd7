using MachineGrid.Grains;

namespace MachineGrid.Bench.Lifecycle;

/// <summary>
/// <c>lifecycle --mode inproc</c>: a silo in this process, grains called directly. Submitters submit through each group's
/// connection in turn; every machine's agent long-waits for offers, starts and completes each run at once.
/// </summary>
public static class InProcessLifecycle
{
    /// <summary>Runs the warm-up, then the measured lifecycles, and prints the result.</summary>
    public static async Task RunAsync(LifecycleOptions options)
    {
        await using var storage = await BenchStorage.CreateAsync(options);
        Console.Error.WriteLine($"Starting a silo on {storage.Describe()} with {options.Machines} machines...");
        await using var grid = await InProcessGrid.StartAsync(options, storage);
        var tracker = new RunTracker(options.Warmup + options.Runs);
        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var agents = Task.WhenAll(grid.Machines.SelectMany(m => Enumerable.Range(0, options.Sessions).Select(_ => Task.Run(() => InProcessAgent.RunAsync(grid, m, tracker, stop.Task)))));
        var heartbeats = HeartbeatLoopAsync(grid, stop.Task);
        Task Submit(int ticket) => grid.Grains.GetGrain<IRunGrain>(Ids.New("r")).Submit(grid.Owner,
            new SubmitRun(grid.Connections[ticket % grid.Connections.Count], RunTracker.FlowId(ticket), null, RunMode.Unattended));

        await LifecycleDriver.RunAsync(tracker, 0, options.Warmup, options.Concurrency, Submit, "warm-up");
        using var probe = new RuntimeProbe(options.Profile);
        probe.Start();
        var wall = await LifecycleDriver.RunAsync(tracker, options.Warmup, options.Runs, options.Concurrency, Submit, "measure");
        var seen = probe.Stop(options.Runs);
        stop.TrySetResult();
        await agents;
        await heartbeats;
        LifecycleReport.Print("lifecycle", options, storage.Describe(), tracker, options.Warmup, options.Runs, wall, seen);
    }

    /// <summary>Keeps the agents alive (machines go offline after 60 s without a heartbeat).</summary>
    public static async Task HeartbeatLoopAsync(InProcessGrid grid, Task stop)
    {
        while (await Task.WhenAny(stop, Task.Delay(TimeSpan.FromSeconds(20))) != stop)
        {
            await grid.HeartbeatAllAsync();
        }
    }
}
