namespace MachineGrid.Bench.Lifecycle;

/// <summary>
/// Storage, a silo with the fleet, and every machine session's agent working and heartbeating, for the in-process
/// scenarios. Disposing stops the agents, then the silo, then the storage.
/// </summary>
public sealed class InProcessFleet : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private Task working = Task.CompletedTask;

    private InProcessFleet(BenchStorage storage, InProcessGrid grid, RunTracker tracker) => (Storage, Grid, Tracker) = (storage, grid, tracker);

    /// <summary>Where state is kept.</summary>
    public BenchStorage Storage { get; }

    /// <summary>The silo and its fleet.</summary>
    public InProcessGrid Grid { get; }

    /// <summary>Follows every run of the scenario (warm-up and measured).</summary>
    public RunTracker Tracker { get; }

    /// <summary>Starts everything for <paramref name="options"/>.</summary>
    public static async Task<InProcessFleet> StartAsync(LifecycleOptions options)
    {
        var storage = await BenchStorage.CreateAsync(options);
        Console.Error.WriteLine($"Starting a silo on {storage.Describe()} with {options.Machines} machines...");
        var fleet = new InProcessFleet(storage, await InProcessGrid.StartAsync(options, storage), new RunTracker(options.Warmup + options.Runs));
        var agents = fleet.Grid.Machines.SelectMany(m => Enumerable.Range(0, options.Sessions)
            .Select(_ => Task.Run(() => InProcessAgent.RunAsync(fleet.Grid, m, fleet.Tracker, TimeSpan.FromMilliseconds(options.FlowMs), fleet.stop.Token))));
        fleet.working = Task.WhenAll([.. agents, fleet.HeartbeatLoopAsync()]);
        return fleet;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await working;
        stop.Dispose();
        await Grid.DisposeAsync();
        await Storage.DisposeAsync();
    }

    /// <summary>Keeps the agents alive (machines go offline after 60 s without a heartbeat).</summary>
    private async Task HeartbeatLoopAsync()
    {
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(20), stop.Token);
                await Grid.HeartbeatAllAsync();
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }
}
