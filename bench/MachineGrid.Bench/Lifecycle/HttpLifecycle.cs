using MachineGrid.Client;

namespace MachineGrid.Bench.Lifecycle;

/// <summary>
/// <c>lifecycle --mode http</c>: the whole system on Kestrel in this process, driven over HTTP. Submitters
/// <c>POST /api/v1/runs</c> with a user key; agents long-poll, start and complete with their machine keys.
/// </summary>
public static class HttpLifecycle
{
    /// <summary>Runs the warm-up, then the measured lifecycles, and prints the result.</summary>
    public static async Task RunAsync(LifecycleOptions options)
    {
        await using var storage = await BenchStorage.CreateAsync(options);
        Console.Error.WriteLine($"Starting the system on {storage.Describe()}...");
        await using var system = await HttpSystem.StartAsync(storage, options.Profile);
        using var http = system.CreateClient();
        using var admin = new MachineGridClient(http, system.AdminKey);
        Console.Error.WriteLine($"Provisioning {options.Machines} machines over {system.Address}...");
        var fleet = await HttpFleet.ProvisionAsync(admin, options);
        var tracker = new RunTracker(options.Warmup + options.Runs);
        var agents = fleet.Machines.Select(m => new HttpAgent(http, m.Key, m.Fingerprint, options.Sessions, tracker)).ToList();
        using var stop = new CancellationTokenSource();
        await Parallel.ForEachAsync(agents, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (agent, ct) => await agent.HeartbeatAsync(ct));
        var working = Task.WhenAll(agents.Select(a => a.RunAsync(stop.Token)));
        var heartbeats = HeartbeatLoopAsync(agents, stop.Token);
        Task Submit(int ticket) =>
            admin.SubmitRunAsync(new SubmitRunRequest(fleet.Connections[ticket % fleet.Connections.Count], RunTracker.FlowId(ticket)));

        await LifecycleDriver.RunAsync(tracker, 0, options.Warmup, options.Concurrency, Submit, "warm-up");
        using var probe = new RuntimeProbe(options.Profile, system.Calls);
        probe.Start();
        var wall = await LifecycleDriver.RunAsync(tracker, options.Warmup, options.Runs, options.Concurrency, Submit, "measure");
        var seen = probe.Stop(options.Runs) + Environment.NewLine + await system.DescribeActivationsAsync();
        await stop.CancelAsync();
        await working;
        await heartbeats;
        LifecycleReport.Print("lifecycle", options, storage.Describe(), tracker, options.Warmup, options.Runs, wall, seen);
    }

    /// <summary>Heartbeats every agent every 20 s until <paramref name="stop"/> fires.</summary>
    internal static async Task HeartbeatLoopAsync(IReadOnlyList<HttpAgent> agents, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(20), stop);
                await Parallel.ForEachAsync(agents, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = stop }, async (agent, ct) => await agent.HeartbeatAsync(ct));
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }
}
