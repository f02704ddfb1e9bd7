using Microsoft.Extensions.Hosting;

namespace MachineGrid.Grains;

/// <summary>
/// Sends this silo's change marks and run counters (<see cref="GridEvents"/>) to the cluster's hub four times a second.
/// Marks are always kept here, so a stream that has said "ready" misses no change; the hub drops them while no gateway listens.
/// </summary>
internal sealed class GridEventsPump(GridEvents events, IGrainFactory grains, ILocalSiloDetails silo) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var listening = events.Listen();
        var hub = grains.GetGrain<IGridEventsHubGrain>("environment");
        var siloId = silo.SiloAddress.ToString();
        // A real-time timer: the grains' clock may be a test's fake one, and this only paces the feed.
        using var timer = new PeriodicTimer(Interval, TimeProvider.System);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await hub.Publish(siloId, events.Drain(), events.Activity());
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The silo is starting or the cluster is changing; the next tick publishes again.
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
