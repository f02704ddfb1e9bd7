using System.Runtime.InteropServices;

namespace MachineGrid.Bench.Lifecycle;

/// <summary>
/// SIGTERM and SIGINT stop the benchmark, not only the silo's host (whose console lifetime takes both signals): no new
/// lifecycle starts, those in flight finish, and the storage is disposed, so its folder and throwaway server go too.
/// </summary>
public static class BenchStop
{
    private static readonly CancellationTokenSource Requested = new();

    /// <summary>Whether a signal asked the benchmark to stop.</summary>
    public static bool IsRequested => Requested.IsCancellationRequested;

    /// <summary>Runs a scenario with SIGTERM and SIGINT routed here; returns the exit code: 0, or 143 when a signal stopped it.</summary>
    public static async Task<int> RunAsync(Func<Task> scenario)
    {
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        try
        {
            await scenario();
            return 0;
        }
        catch (OperationCanceledException) when (IsRequested)
        {
            Console.Error.WriteLine("Stopped before the measurement finished; nothing to report.");
            return 143;
        }
    }

    /// <summary>Throws once a stop was requested, ending the scenario through its disposals.</summary>
    public static void ThrowIfRequested()
    {
        if (IsRequested)
        {
            throw new OperationCanceledException("The benchmark was stopped by a signal before it finished.", Requested.Token);
        }
    }

    private static void Stop(PosixSignalContext context)
    {
        context.Cancel = true;
        if (!Requested.IsCancellationRequested)
        {
            Console.Error.WriteLine($"{context.Signal}: letting the lifecycles in flight finish, then stopping.");
            Requested.Cancel();
        }
    }
}
