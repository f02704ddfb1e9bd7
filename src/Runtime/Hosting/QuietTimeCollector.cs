using System.Runtime;
using MachineGrid.Runtime.Diagnostics;

namespace MachineGrid.Runtime.Hosting;

/// <summary>
/// Collects garbage when the silo goes quiet and then holds the next collection off until a reserve of allocation is
/// spent (a no-GC region), so that a burst of work after a quiet spell runs without a collection's pause instead of
/// meeting one part-way through. A quiet silo pays the pause when no call is waiting; a busy one is never collected
/// by this.
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
    /// <paramref name="reserve"/> bytes of allocation (0: collects only).
    /// </summary>
    public QuietTimeCollector(TimeSpan quietFor, long reserve)
    {
        this.reserve = reserve;
        var ticks = Math.Max(1, (int)Math.Ceiling(quietFor / Tick));
        // 256 KiB in 100 ms is the allocation of about a hundred run lifecycles a second.
        spell = new QuietSpell(quietTickBytes: 256 * 1024, ticks, minimumGarbage: 1024 * 1024);
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
            if (!spell.Observe(GC.GetTotalAllocatedBytes(), GC.CollectionCount(0)) || GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
            {
                return;
            }
            if (!Collect())
            {
                return;
            }
            Collections++;
            RuntimeMetrics.QuietCollections.Add(1);
            spell.Collected(GC.GetTotalAllocatedBytes(), GC.CollectionCount(0));
        }
    }

    /// <summary>Collects, and reserves when asked to; false when someone else began a no-GC region meanwhile.</summary>
    private bool Collect()
    {
        if (reserve > 0)
        {
            try
            {
                // Starting a no-GC region collects first; the region ends with the collection that spending the reserve brings.
                if (GC.TryStartNoGCRegion(reserve, disallowFullBlockingGC: true))
                {
                    return true;
                }
            }
            catch (InvalidOperationException)
            {
                return false;
            }
            catch (ArgumentOutOfRangeException)
            {
                // More than the collector can set aside: collect without reserving.
            }
        }
        GC.Collect(1, GCCollectionMode.Forced, blocking: true);
        return true;
    }
}
