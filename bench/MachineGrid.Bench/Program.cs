using MachineGrid.Bench.Baseline;
using MachineGrid.Bench.Heap;
using MachineGrid.Bench.Lifecycle;

switch (args)
{
    case ["lifecycle", .. var rest]:
        var lifecycle = LifecycleOptions.ForLifecycle(new BenchArguments(rest));
        Environment.ExitCode = await BenchStop.RunAsync(() => lifecycle.Mode switch
        {
            "http" => HttpLifecycle.RunAsync(lifecycle),
            "baseline" => BaselineLifecycle.RunAsync(lifecycle),
            "cluster" => ClusterLifecycle.RunAsync(lifecycle),
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
Console.Error.WriteLine("""
    Usage:
      lifecycle --mode inproc|http|baseline|cluster --storage sqlite|postgres [--postgres CS] [--groups N] [--machines-per-group N]
                [--sessions N] [--runs N] [--warmup N] [--concurrency N] [--profile] [--keep-data] [--flow-ms N] [--poll-ms N]
                [--silos N] (cluster: N silo processes on PostgreSQL, driven over HTTP through all their gateways)
      burst [--storage sqlite|postgres] [--postgres CS] [--machines N] [--runs N] [--warmup N] [--profile] [--keep-data]
      heap CORE [--top N]
    """);
Environment.ExitCode = 2;
