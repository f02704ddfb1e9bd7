using Microsoft.Extensions.Options;

namespace MachineGrid.Grains;

/// <summary>
/// Bounds how many new submissions a silo works on at once; the rest wait here, in memory, in arrival order. Storage
/// makes writes durable in the order they were made, through one commit queue, and each submission adds about five
/// writes to it: a burst of a thousand submissions at once would put thousands of writes ahead of the one that hands a
/// machine that just came free its next run. With the bound, that write waits behind at most a few hundred.
/// </summary>
internal sealed class SubmissionGate(IOptions<GridOptions> options)
{
    private readonly SemaphoreSlim slots = new(options.Value.MaxConcurrentSubmissions);

    /// <summary>Submissions free to go on right now.</summary>
    public int FreeSlots => slots.CurrentCount;

    /// <summary>Waits for a slot; disposing the returned slot gives it back.</summary>
    public async ValueTask<Slot> EnterAsync()
    {
        await slots.WaitAsync().ConfigureAwait(false);
        return new Slot(slots);
    }

    /// <summary>A submission's place among those under way.</summary>
    public readonly struct Slot(SemaphoreSlim slots) : IDisposable
    {
        public void Dispose() => slots.Release();
    }
}
