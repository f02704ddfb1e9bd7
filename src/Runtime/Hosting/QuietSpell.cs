namespace MachineGrid.Runtime.Hosting;

/// <summary>
/// Decides, from the process's allocation count read at a steady tick, when the garbage collector should run because
/// the process has gone quiet: it allocated little for <paramref name="quietTicks"/> ticks in a row after being busy,
/// and at least <paramref name="minimumGarbage"/> since the last collection. Once per quiet spell: the next is due
/// only after a busy tick.
/// </summary>
/// <param name="quietTickBytes">At most this many bytes allocated in a tick count as quiet.</param>
/// <param name="quietTicks">How many quiet ticks in a row make a quiet spell.</param>
/// <param name="minimumGarbage">Bytes allocated since the last collection below which a quiet spell is left alone.</param>
internal sealed class QuietSpell(long quietTickBytes, int quietTicks, long minimumGarbage)
{
    private long lastAllocated = -1;
    private long allocatedAtCollection;
    private int lastCollections = -1;
    private int quiet;
    private bool busySinceCollected = true;

    /// <summary>
    /// Takes one tick's reading: the bytes the process has allocated so far and the number of collections so far.
    /// True when a collection is due now; the caller collects and then calls <see cref="Collected"/>.
    /// </summary>
    public bool Observe(long allocated, int collections)
    {
        if (collections != lastCollections)
        {
            // A collection ran during the last tick: what was allocated before it is gone or promoted.
            allocatedAtCollection = allocated;
            lastCollections = collections;
        }
        var tick = lastAllocated < 0 ? long.MaxValue : allocated - lastAllocated;
        lastAllocated = allocated;
        if (tick > quietTickBytes)
        {
            quiet = 0;
            busySinceCollected = true;
            return false;
        }
        quiet++;
        return busySinceCollected && quiet >= quietTicks && allocated - allocatedAtCollection >= minimumGarbage;
    }

    /// <summary>Records the collection made because <see cref="Observe"/> said so.</summary>
    public void Collected(long allocated, int collections)
    {
        allocatedAtCollection = allocated;
        lastCollections = collections;
        busySinceCollected = false;
    }
}
