using MachineGrid.Runtime;
using MachineGrid.Runtime.Testing;

namespace MachineGrid.Bench.Calls;

/// <summary>Measures managed heap bytes per idle activation over 100,000 activations of a grain without state.</summary>
public static class ActivationMemory
{
    public static async Task RunAsync(int count = 100_000)
    {
        await using var silo = await TestSilo.StartAsync(o => o.AddGrainAssembly(typeof(PingGrain).Assembly).UseInMemoryStorage(), TimeProvider.System);
        var warm = silo.GrainFactory.GetGrain<IEmptyGrain>("warm");
        await warm.Touch();
        var before = Measure();
        for (var i = 0; i < count; i++)
        {
            await silo.GrainFactory.GetGrain<IEmptyGrain>($"empty-{i}").Touch();
        }
        var after = Measure();
        var perActivation = (after - before) / (double)count;
        var grainObject = 24;
        Console.WriteLine($"{count:N0} activations: {(after - before) / 1024.0 / 1024.0:F1} MiB, {perActivation:F0} bytes per activation " +
            $"({perActivation - grainObject:F0} bytes of runtime overhead beyond the {grainObject}-byte grain object; target < 1024)");
        Console.WriteLine($$"""{"scenario":"activation-memory","activations":{{count}},"bytesPerActivation":{{perActivation:F0}},"runtimeOverheadBytes":{{perActivation - grainObject:F0}}}""");
        GC.KeepAlive(silo);
    }

    private static long Measure()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}

public interface IEmptyGrain : IGrainWithStringKey
{
    Task Touch();
}

public sealed class EmptyGrain : Grain, IEmptyGrain
{
    public Task Touch() => Task.CompletedTask;
}
