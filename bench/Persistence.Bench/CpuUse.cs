using System.Diagnostics;
using System.Globalization;

namespace MachineGrid.Persistence.Bench;

/// <summary>
/// CPU used over a window: the whole machine's (from /proc/stat, so other processes and the PostgreSQL server show)
/// and this process's, both as percent of one core (200% is all of a 2-core machine).
/// </summary>
internal sealed record CpuUse(double MachinePercent, double ProcessPercent, TimeSpan ProcessTime)
{
    /// <summary>The CPU used from <paramref name="fromTimestamp"/> to <paramref name="untilTimestamp"/> (Stopwatch ticks, in the future).</summary>
    public static async Task<CpuUse> MeasureAsync(long fromTimestamp, long untilTimestamp)
    {
        await DelayUntilAsync(fromTimestamp);
        var start = CpuClock.Now();
        await DelayUntilAsync(untilTimestamp);
        return start.Until(CpuClock.Now());
    }

    private static async Task DelayUntilAsync(long timestamp)
    {
        var wait = timestamp - Stopwatch.GetTimestamp();
        if (wait > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency));
        }
    }
}

/// <summary>The machine's busy and total jiffies and this process's CPU time at one moment.</summary>
internal readonly record struct CpuClock(long MachineBusy, long MachineTotal, TimeSpan Process, long Timestamp)
{
    public static CpuClock Now()
    {
        var (busy, total) = MachineTicks();
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return new CpuClock(busy, total, process.TotalProcessorTime, Stopwatch.GetTimestamp());
    }

    public CpuUse Until(CpuClock end)
    {
        var elapsed = Stopwatch.GetElapsedTime(Timestamp, end.Timestamp);
        var machine = end.MachineTotal > MachineTotal ? 100.0 * Environment.ProcessorCount * (end.MachineBusy - MachineBusy) / (end.MachineTotal - MachineTotal) : double.NaN;
        return new CpuUse(machine, 100.0 * (end.Process - Process) / elapsed, end.Process - Process);
    }

    /// <summary>Busy and total jiffies of all CPUs: busy is user, nice, system, irq, softirq and steal; total adds idle and iowait.</summary>
    private static (long Busy, long Total) MachineTicks()
    {
        if (!File.Exists("/proc/stat"))
        {
            return (0, 0);
        }
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(field => long.Parse(field, CultureInfo.InvariantCulture)).ToArray();
        long At(int index) => index < fields.Length ? fields[index] : 0;
        var busy = At(0) + At(1) + At(2) + At(5) + At(6) + At(7);
        return (busy, busy + At(3) + At(4));
    }
}
