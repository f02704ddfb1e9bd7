using MachineGrid.Runtime.Activation;
using MachineGrid.Runtime.Diagnostics;
using Microsoft.Extensions.Hosting;

namespace MachineGrid.Runtime.Hosting;

/// <summary>Starts the silo with the host (reminders loaded, idle collection on) and stops it gracefully: every activation is deactivated, writing changed state, before the host exits.</summary>
internal sealed class SiloHostedService(SiloRuntime runtime) : IHostedService
{
    private readonly IdleCollector collector = new(runtime);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var reminders = await runtime.Reminders.StartAsync(cancellationToken);
        collector.Start();
        RuntimeLog.SiloStarted(runtime.Logger, runtime.Registry.Classes.Count(), runtime.Options.StorageDescription, reminders);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        collector.Dispose();
        runtime.Reminders.Dispose();
        var reason = new DeactivationReason(DeactivationReasonCode.ShuttingDown, "the silo is stopping");
        var activations = runtime.Catalog.All.ToList();
        foreach (var activation in activations)
        {
            activation.RequestDeactivation(reason);
        }
        try
        {
            await Task.WhenAll(activations.Select(a => a.Deactivated)).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            RuntimeLog.ShutdownIncomplete(runtime.Logger, activations.Count(a => !a.Deactivated.IsCompleted));
        }
        runtime.Dispose();
        RuntimeLog.SiloStopped(runtime.Logger, activations.Count);
    }
}
