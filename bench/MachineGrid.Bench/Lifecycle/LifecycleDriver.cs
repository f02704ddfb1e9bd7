using System.Diagnostics;

namespace MachineGrid.Bench.Lifecycle;

/// <summary>
/// Drives tickets through complete lifecycles with a fixed number in flight: each of <c>concurrency</c> submitters
/// submits a run and waits until its agent completed it before it submits the next. Reports progress to stderr and gives
/// up when nothing completes for a while. A stop signal (<see cref="BenchStop"/>) ends it once the lifecycles in flight finish.
/// </summary>
public static class LifecycleDriver
{
    private static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(60);

    /// <summary>Runs tickets [from, from + count) and returns the wall time.</summary>
    public static async Task<TimeSpan> RunAsync(RunTracker tracker, int from, int count, int concurrency, Func<int, Task> submit, string phase)
    {
        var next = from - 1;
        var end = from + count;
        var started = Stopwatch.GetTimestamp();
        var workers = Task.WhenAll(Enumerable.Range(0, Math.Min(concurrency, count)).Select(_ => Task.Run(async () =>
        {
            int ticket;
            while (!BenchStop.IsRequested && (ticket = Interlocked.Increment(ref next)) < end)
            {
                var completed = tracker.Begin(ticket);
                await submit(ticket);
                tracker.Submitted(ticket);
                await completed;
            }
        })));
        await WatchAsync(workers, tracker, phase);
        BenchStop.ThrowIfRequested();
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>Prints progress every 5 s until <paramref name="work"/> ends; throws when no run completes for a minute.</summary>
    public static async Task WatchAsync(Task work, RunTracker tracker, string phase)
    {
        var started = Stopwatch.GetTimestamp();
        var lastCount = tracker.CompletedCount;
        var lastProgress = Stopwatch.GetTimestamp();
        while (await Task.WhenAny(work, Task.Delay(TimeSpan.FromSeconds(5))) != work)
        {
            var count = tracker.CompletedCount;
            Console.Error.WriteLine($"  [{phase}] {Stopwatch.GetElapsedTime(started).TotalSeconds,5:F0} s: {count:N0} completed; thread pool {ThreadPool.ThreadCount} threads, {ThreadPool.PendingWorkItemCount} queued; heap {GC.GetTotalMemory(false) / 1024 / 1024} MiB");
            if (count != lastCount)
            {
                (lastCount, lastProgress) = (count, Stopwatch.GetTimestamp());
            }
            else if (Stopwatch.GetElapsedTime(lastProgress) > StallLimit)
            {
                throw new TimeoutException($"No run completed for {StallLimit.TotalSeconds:F0} s ({count:N0} completed).");
            }
        }
        await work;
    }
}
