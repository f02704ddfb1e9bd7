using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.InteropServices;
using System.Text;

namespace MachineGrid.Bench.Lifecycle;

/// <summary>
/// Watches the process while a phase runs: the storage's meters (commits, writes per commit, commit latency),
/// optionally grain calls per grain type (<see cref="GrainCallCounter"/>) and allocations per type, CPU time, garbage
/// collections and peak RSS.
/// </summary>
public sealed class RuntimeProbe : IDisposable
{
    private const string CommitWrites = "machinegrid.storage.commit.writes";
    private const string CommitDuration = "machinegrid.storage.commit.duration";

    private readonly MeterListener listener = new();
    private readonly GrainCallCounter? calls;
    private readonly AllocationSampler? allocations;
    private long commits;
    private long writes;
    private long commitMicros;
    private long maxCommitMicros;
    private bool recording;
    private TimeSpan cpuAtStart;
    private long startedAt;
    private int[] gcAtStart = [];
    private long jittedAtStart;
    private TimeSpan jitTimeAtStart;
    private long allocatedAtStart;
    private TimeSpan pausedAtStart;
    private (long Written, long Writes, long Read) ioAtStart;
    private (long Voluntary, long Involuntary) switchesAtStart;
    private long workItemsAtStart;

    /// <summary>
    /// Listens to the storage's meter (<c>MachineGrid.Persistence</c>); samples allocations by type when
    /// <paramref name="profile"/>, and reads grain calls per type from <paramref name="calls"/> when given.
    /// </summary>
    public RuntimeProbe(bool profile, GrainCallCounter? calls = null)
    {
        allocations = profile ? new AllocationSampler() : null;
        this.calls = calls;
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "MachineGrid.Persistence" && instrument.Name is CommitWrites or CommitDuration)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) =>
        {
            if (recording)
            {
                Interlocked.Increment(ref commits);
                Interlocked.Add(ref writes, value);
            }
        });
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            if (recording)
            {
                var micros = (long)(value * 1000);
                Interlocked.Add(ref commitMicros, micros);
                long seen;
                while (micros > (seen = Volatile.Read(ref maxCommitMicros)) && Interlocked.CompareExchange(ref maxCommitMicros, micros, seen) != seen)
                {
                }
            }
        });
        listener.Start();
    }

    /// <summary>Peak resident set size of the process so far, in MiB.</summary>
    public static double PeakRssMb()
    {
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64 / 1024.0 / 1024.0;
    }

    /// <summary>Starts counting.</summary>
    public void Start()
    {
        using var process = Process.GetCurrentProcess();
        cpuAtStart = process.TotalProcessorTime;
        gcAtStart = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        allocatedAtStart = GC.GetTotalAllocatedBytes();
        pausedAtStart = GC.GetTotalPauseDuration();
        jittedAtStart = System.Runtime.JitInfo.GetCompiledMethodCount();
        jitTimeAtStart = System.Runtime.JitInfo.GetCompilationTime();
        ioAtStart = ProcessIo();
        switchesAtStart = ContextSwitches();
        workItemsAtStart = ThreadPool.CompletedWorkItemCount;
        startedAt = Stopwatch.GetTimestamp();
        allocations?.Start();
        calls?.Reset();
        if (calls is not null)
        {
            calls.Recording = true;
        }
        recording = true;
    }

    /// <summary>Stops counting and describes what was seen, per lifecycle where that helps.</summary>
    public string Stop(int lifecycles)
    {
        recording = false;
        if (calls is not null)
        {
            calls.Recording = false;
        }
        var wall = Stopwatch.GetElapsedTime(startedAt);
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime - cpuAtStart;
        var allocated = GC.GetTotalAllocatedBytes() - allocatedAtStart;
        var text = new StringBuilder();
        var perRun = Math.Max(lifecycles, 1);
        text.AppendLine($"  cpu        {cpu.TotalSeconds:F1} s over {wall.TotalSeconds:F1} s wall = {cpu / wall / Environment.ProcessorCount * 100:F0}% of {Environment.ProcessorCount} cores; {cpu.TotalMicroseconds / perRun:F0} µs CPU per lifecycle");
        text.AppendLine($"  gc         gen0 {GC.CollectionCount(0) - gcAtStart[0]}, gen1 {GC.CollectionCount(1) - gcAtStart[1]}, gen2 {GC.CollectionCount(2) - gcAtStart[2]}; {allocated / perRun / 1024.0:F1} KiB allocated per lifecycle; paused {(GC.GetTotalPauseDuration() - pausedAtStart).TotalMilliseconds:F0} ms ({(GC.GetTotalPauseDuration() - pausedAtStart) / wall * 100:F1}% of wall); heap {GC.GetTotalMemory(false) / 1024 / 1024} MiB; server GC {System.Runtime.GCSettings.IsServerGC}");
        var last = GC.GetGCMemoryInfo(GCKind.Ephemeral);
        text.AppendLine($"  last gc    gen{last.Generation}, pause {(last.PauseDurations.Length > 0 ? last.PauseDurations[0].TotalMilliseconds : 0):F1} ms, promoted {last.PromotedBytes / 1024 / 1024} MiB, pinned {last.PinnedObjectsCount}, compacted {last.Compacted}, concurrent {last.Concurrent}, fragmented {last.FragmentedBytes / 1024 / 1024} MiB, heap {last.HeapSizeBytes / 1024 / 1024} MiB");
        text.AppendLine($"  jit        {System.Runtime.JitInfo.GetCompiledMethodCount() - jittedAtStart:N0} methods compiled, {(System.Runtime.JitInfo.GetCompilationTime() - jitTimeAtStart).TotalMilliseconds:F0} ms compiling");
        if (commits > 0)
        {
            text.AppendLine($"  storage    {commits:N0} commits ({commits / wall.TotalSeconds:N0}/s), {writes:N0} writes ({(double)writes / perRun:F1} per lifecycle, {(double)writes / commits:F1} per commit), " +
                $"commit (start to durable) {commitMicros / 1000.0 / commits:F2} ms mean / {maxCommitMicros / 1000.0:F1} ms max, {commitMicros / 1000.0 / wall.TotalMilliseconds:F2} batches committing on average");
        }
        text.AppendLine($"  pool       {(double)(ThreadPool.CompletedWorkItemCount - workItemsAtStart) / perRun:F1} thread-pool work items per lifecycle");
        var switches = ContextSwitches();
        if (switches.Voluntary > 0)
        {
            var (voluntary, involuntary) = (switches.Voluntary - switchesAtStart.Voluntary, switches.Involuntary - switchesAtStart.Involuntary);
            text.AppendLine($"  switches   {(double)voluntary / perRun:F1} voluntary (a thread waited) and {(double)involuntary / perRun:F1} involuntary context switches per lifecycle, " +
                $"{(voluntary + involuntary) / wall.TotalSeconds:N0}/s");
        }
        var io = ProcessIo();
        if (io.Written > 0)
        {
            var written = io.Written - ioAtStart.Written;
            text.AppendLine($"  disk       {written / 1024.0 / 1024.0 / wall.TotalSeconds:F1} MiB/s written to storage, {written / 1024.0 / perRun:F1} KiB per lifecycle; " +
                $"{io.Writes - ioAtStart.Writes:N0} write calls ({(double)(io.Writes - ioAtStart.Writes) / perRun:F1} per lifecycle); {(io.Read - ioAtStart.Read) / 1024.0 / perRun:F1} KiB read per lifecycle");
        }
        if (calls is { Calls.Count: > 0 })
        {
            var total = calls.Calls.Values.Sum();
            text.AppendLine($"  calls      {total:N0} grain calls, {(double)total / perRun:F1} per lifecycle: " +
                string.Join(", ", calls.Calls.OrderByDescending(c => c.Value).Select(c => $"{c.Key} {(double)c.Value / perRun:F1}")));
        }
        if (allocations is not null)
        {
            text.AppendLine($"  allocated  {allocations.Stop(lifecycles)}");
        }
        return text.ToString().TrimEnd();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        listener.Dispose();
        allocations?.Dispose();
    }

    /// <summary>
    /// Context switches of the whole process so far, ended threads included (<c>getrusage</c>); zeros where it is missing.
    /// Summing the live threads of <c>/proc/self/task</c> instead went backwards when threads ended during a phase.
    /// </summary>
    private static (long Voluntary, long Involuntary) ContextSwitches()
    {
        try
        {
            return getrusage(0, out var usage) == 0 ? (usage.VoluntarySwitches, usage.InvoluntarySwitches) : (0, 0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return (0, 0);
        }
    }

    /// <summary>The 64-bit Linux <c>struct rusage</c>: two <c>timeval</c>s, then fourteen longs.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct ResourceUsage
    {
        public long UserSeconds, UserMicroseconds, SystemSeconds, SystemMicroseconds;
        public long MaxResident, SharedMemory, UnsharedData, UnsharedStack, MinorFaults, MajorFaults, Swaps;
        public long BlockInputs, BlockOutputs, MessagesSent, MessagesReceived, Signals;
        public long VoluntarySwitches, InvoluntarySwitches;
    }

    [DllImport("libc.so.6")]
    private static extern int getrusage(int who, out ResourceUsage usage);

    /// <summary>Bytes this process had written to storage, write calls, and bytes read through read calls (Linux <c>/proc/self/io</c>); zeros elsewhere.</summary>
    private static (long Written, long Writes, long Read) ProcessIo()
    {
        try
        {
            var fields = File.ReadAllLines("/proc/self/io").Select(l => l.Split(':', 2)).ToDictionary(p => p[0], p => long.Parse(p[1].Trim(), System.Globalization.CultureInfo.InvariantCulture));
            return (fields["write_bytes"], fields["syscw"], fields["rchar"]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or KeyNotFoundException or FormatException)
        {
            return (0, 0, 0);
        }
    }
}
