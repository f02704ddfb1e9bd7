using System.Diagnostics;
using System.Globalization;
using MachineGrid.Bench.Lifecycle;

namespace MachineGrid.Bench.Baseline;

/// <summary>
/// <c>lifecycle --mode baseline</c>: the same lifecycles against a plain PostgreSQL queue (<see cref="BaselineQueue"/>)
/// instead of the grid. Submitters insert a run for a group (ticket modulo groups) and wait until it is completed;
/// every machine loops: dispatch, complete at once. An idle machine waits for a <c>NOTIFY</c> of its group (re-checking
/// every second regardless), or with <c>--poll-ms N</c> polls every N ms and nothing is notified.
/// </summary>
public static class BaselineLifecycle
{
    /// <summary>Connections the machines share.</summary>
    public const int MachinePool = 32;

    /// <summary>Connections the submitters share at most.</summary>
    public const int SubmitterPool = 32;

    private static readonly TimeSpan Recheck = TimeSpan.FromSeconds(1);

    /// <summary>Runs the warm-up, then the measured lifecycles, and prints the result.</summary>
    public static async Task RunAsync(LifecycleOptions options)
    {
        await using var storage = await BenchStorage.CreateAsync(options);
        var connectionString = storage.Postgres!;
        var notify = options.PollMs <= 0;
        Console.Error.WriteLine($"Baseline queue on {storage.Describe()}: {options.Machines} machines sharing {MachinePool} connections, "
            + $"{options.Concurrency} submitters sharing {Math.Min(options.Concurrency, SubmitterPool)}; idle machines {(notify ? "wait for NOTIFY" : $"poll every {options.PollMs} ms")}");
        await using var queue = await BaselineQueue.CreateAsync(connectionString, MachinePool, Math.Clamp(options.Concurrency, 1, SubmitterPool), notify);
        var tracker = new RunTracker(options.Warmup + options.Runs);
        var signals = Enumerable.Range(0, options.Groups).Select(_ => new SemaphoreSlim(0)).ToArray();
        using var stop = new CancellationTokenSource();
        var listening = notify ? ListenAsync(connectionString, signals, stop.Token) : Task.CompletedTask;
        var machines = Enumerable.Range(0, options.Machines)
            .Select(m => Task.Run(() => MachineAsync(queue, m / options.MachinesPerGroup, m, signals[m / options.MachinesPerGroup], options.PollMs, tracker, stop.Token)))
            .ToArray();
        try
        {
            Task Submit(int ticket) => queue.SubmitAsync(ticket % options.Groups, RunTracker.FlowId(ticket));
            await LifecycleDriver.RunAsync(tracker, 0, options.Warmup, options.Concurrency, Submit, "warm-up");
            using var probe = new RuntimeProbe(false);
            probe.Start();
            var wall = await LifecycleDriver.RunAsync(tracker, options.Warmup, options.Runs, options.Concurrency, Submit, "measure");
            var seen = probe.Stop(options.Runs);
            LifecycleReport.Print("lifecycle", options, $"{storage.Describe()}, plain queue table", tracker, options.Warmup, options.Runs, wall, seen);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll([.. machines, listening]);
            foreach (var signal in signals)
            {
                signal.Dispose();
            }
        }
    }

    /// <summary>One machine: dispatch, complete, again; when nothing is queued, wait for its group's signal or the poll delay.</summary>
    private static async Task MachineAsync(BaselineQueue queue, int group, int machine, SemaphoreSlim signal, int pollMs, RunTracker tracker, CancellationToken stop)
    {
        long freedAt = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (await queue.DispatchAsync(group, machine) is not var (id, flowId))
                {
                    if (pollMs > 0)
                    {
                        await Task.Delay(pollMs, stop);
                    }
                    else
                    {
                        await signal.WaitAsync(Recheck, stop);
                    }
                    continue;
                }
                var ticket = tracker.Assigned(flowId, freedAt);
                var completing = Stopwatch.GetTimestamp();
                freedAt = completing;
                await queue.CompleteAsync(id);
                tracker.Completed(ticket, RunTracker.Since(completing));
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Wakes one waiting machine of the group named by each notification.</summary>
    private static async Task ListenAsync(string connectionString, SemaphoreSlim[] signals, CancellationToken stop)
    {
        await using var connection = await BaselineQueue.ListenAsync(connectionString);
        connection.Notification += (_, e) => signals[int.Parse(e.Payload, CultureInfo.InvariantCulture)].Release();
        try
        {
            while (true)
            {
                await connection.WaitAsync(stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }
}
