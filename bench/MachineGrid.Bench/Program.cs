using BenchmarkDotNet.Running;
using MachineGrid.Bench.Baseline;
using MachineGrid.Bench.Calls;
using MachineGrid.Bench.Heap;
using MachineGrid.Bench.Lifecycle;

switch (args)
{
    case ["memory", ..]:
        await ActivationMemory.RunAsync();
        return;
    case ["lifecycle", .. var rest]:
        var lifecycle = LifecycleOptions.ForLifecycle(new BenchArguments(rest));
        Environment.ExitCode = await BenchStop.RunAsync(() => lifecycle.Mode switch
        {
            "http" => HttpLifecycle.RunAsync(lifecycle),
            "baseline" => BaselineLifecycle.RunAsync(lifecycle),
            _ => InProcessLifecycle.RunAsync(lifecycle),
        });
        return;
    case ["heap", var core, .. var rest]:
        HeapCensus.Run(core, rest is ["--top", var top] ? int.Parse(top, System.Globalization.CultureInfo.InvariantCulture) : 25);
        return;
    case ["burst", .. var rest]:
        Environment.ExitCode = await BenchStop.RunAsync(() => BurstScenario.RunAsync(LifecycleOptions.ForBurst(new BenchArguments(rest))));
        return;
}
BenchmarkSwitcher.FromAssembly(typeof(ActivationMemory).Assembly).Run(args);
