using BenchmarkDotNet.Attributes;
using MachineGrid.Runtime;
using MachineGrid.Runtime.Testing;

namespace MachineGrid.Bench.Calls;

/// <summary>
/// Local grain calls: one caller's round trip, and throughput of two callers (one per core) spread over 1,000
/// activated grains. Per-operation times are per call. Target: ≥ 1,000,000 calls/s, median round trip &lt; 2 µs.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class GrainCallBenchmark
{
    private const int Grains = 1_000;
    private const int CallsPerWorker = 100_000;
    private TestSilo silo = null!;
    private IPingGrain single = null!;
    private IPingGrain[] grains = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        silo = await TestSilo.StartAsync(o => o.AddGrainAssembly(typeof(PingGrain).Assembly).UseInMemoryStorage(), TimeProvider.System);
        single = silo.GrainFactory.GetGrain<IPingGrain>("single");
        grains = [.. Enumerable.Range(0, Grains).Select(i => silo.GrainFactory.GetGrain<IPingGrain>($"ping-{i}"))];
        await single.Ping(0);
        await Task.WhenAll(grains.Select(g => g.Ping(0)));
    }

    [GlobalCleanup]
    public async Task Cleanup() => await silo.DisposeAsync();

    [Benchmark(Description = "round trip, completes synchronously")]
    public Task<int> RoundTrip() => single.Ping(1);

    [Benchmark(Description = "round trip, grain awaits")]
    public Task<int> RoundTripAsync() => single.PingAsync(1);

    [Benchmark(Description = "throughput, 2 callers x 1,000 grains", OperationsPerInvoke = 2 * CallsPerWorker)]
    public Task Throughput() => Task.WhenAll(Worker(0), Worker(1));

    [Benchmark(Description = "throughput, 1,000 concurrent awaiting callers", OperationsPerInvoke = Grains * 20)]
    public Task ConcurrentAsync() => Task.WhenAll(grains.Select(async grain =>
    {
        for (var i = 0; i < 20; i++)
        {
            await grain.PingAsync(i);
        }
    }));

    private Task Worker(int offset) => Task.Run(async () =>
    {
        var sum = 0;
        for (var i = 0; i < CallsPerWorker; i++)
        {
            sum += await grains[(i * 2 + offset) % Grains].Ping(i);
        }
        return sum;
    });
}
