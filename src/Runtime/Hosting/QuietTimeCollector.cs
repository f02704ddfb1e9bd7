using System.Runtime;
using MachineGrid.Runtime.Diagnostics;

namespace MachineGrid.Runtime.Hosting;

/// <summary>
/// Collects garbage when the silo goes quiet and then holds the next collection off until a reserve of allocation is
/// spent (a no-GC region), so that a burst of work after a quiet spell runs without a collection's pause instead of
/// meeting one part-way through. Each quiet spell that follows work collects once and renews the reserve; a quiet
/// silo pays the pause when no call is waiting, and a busy one is never collected by this. Nothing else in the
/// process may use no-GC regions.
/// </summary>
internal sealed class QuietTimeCollector : IDisposable
{
    /// <summary>How often the allocation count is read.</summary>
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    private readonly long reserve;
    private readonly QuietSpell spell;
    private readonly ITimer timer;

    /// <summary>
    /// Starts reading: after a spell of <paramref name="quietFor"/> with little allocation, collects and reserves
    /// <paramref name="reserve"/> bytes of allocation (0: collects only, and only when a mebibyte or more was allocated
    /// since the last collection).
    /// </summary>
    public QuietTimeCollector(TimeSpan quietFor, long reserve)
    {
        this.reserve = reserve;
        var ticks = Math.Max(1, (int)Math.Ceiling(quietFor / Tick));
        // 256 KiB in 100 ms is the allocation of about a hundred run lifecycles a second.
        spell = new QuietSpell(quietTickBytes: 256 * 1024, ticks, minimumGarbage: reserve > 0 ? 0 : 1024 * 1024);
        timer = TimeProvider.System.CreateTimer(static state => ((QuietTimeCollector)state!).Observe(), this, Tick, Tick);
    }

    /// <summary>Collections this has made.</summary>
    public int Collections { get; private set; }

    /// <inheritdoc />
    public void Dispose() => timer.Dispose();

    private void Observe()
    {
        // Timer callbacks can overlap when the thread pool is late.
        lock (spell)
        {
            if (!spell.Observe(GC.GetTotalAllocatedBytes(), GC.CollectionCount(0)))
            {
                return;
            }
            Collect();
            Collections++;
            RuntimeMetrics.QuietCollections.Add(1);
            spell.Collected(GC.GetTotalAllocatedBytes(), GC.CollectionCount(0));
        }
    }

    private void Collect()
    {
        if (reserve > 0)
        {
            EndReserve();
            try
            {
                // Starting a no-GC region collects first; the region ends with the collection that spending the reserve brings.
                if (GC.TryStartNoGCRegion(reserve, disallowFullBlockingGC: true))
                {
                    return;
                }
            }
            catch (ArgumentOutOfRangeException)
            {
                // More than the collector can set aside: collect without reserving.
            }
        }
        GC.Collect(1, GCCollectionMode.Forced, blocking: true);
    }

    private static void EndReserve()
    {
        if (GCSettings.LatencyMode != GCLatencyMode.NoGCRegion)
        {
            return;
        }
        try
        {
            GC.EndNoGCRegion();
        }
        catch (InvalidOperationException)
        {
            // The reserve was spent between the look and its end.
        }
    }
}
