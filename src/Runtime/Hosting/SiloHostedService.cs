using MachineGrid.Runtime.Activation;
using MachineGrid.Runtime.Diagnostics;
using Microsoft.Extensions.Hosting;

namespace MachineGrid.Runtime.Hosting;

/// <summary>Starts the silo with the host (reminders loaded, idle activation and quiet-time garbage collection on) and stops it gracefully: every activation is deactivated, writing changed state, before the host exits.</summary>
internal sealed class SiloHostedService(SiloRuntime runtime) : IHostedService
{
    private readonly IdleCollector collector = new(runtime);
    private QuietTimeCollector? quietCollector;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var reminders = await runtime.Reminders.StartAsync(cancellationToken);
        collector.Start();
        if (runtime.Options.QuietCollectionAfter is { } quietFor)
        {
            quietCollector = new QuietTimeCollector(quietFor, runtime.Options.QuietAllocationReserve);
        }
        RuntimeLog.SiloStarted(runtime.Logger, runtime.Registry.Classes.Count(), runtime.Options.StorageDescription, reminders);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        collector.Dispose();
        quietCollector?.Dispose();
        runtime.Reminders.Dispose();
        var reason = new DeactivationReason(DeactivationReasonCode.ShuttingDown, "the silo is stopping");
        var deactivated = 0;
        try
        {
            // Deactivation may call grains that were not active; repeat until none is left.
            while (runtime.Catalog.Count > 0)
            {
                var activations = runtime.Catalog.All.ToList();
                foreach (var activation in activations)
                {
                    activation.RequestDeactivation(reason);
                }
                await Task.WhenAll(activations.Select(a => a.Deactivated)).WaitAsync(cancellationToken);
                deactivated += activations.Count;
            }
        }
        catch (OperationCanceledException)
        {
            RuntimeLog.ShutdownIncomplete(runtime.Logger, runtime.Catalog.Count);
        }
        runtime.Dispose();
        RuntimeLog.SiloStopped(runtime.Logger, deactivated);
    }
}
