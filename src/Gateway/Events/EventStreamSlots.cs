using System.Collections.Concurrent;

namespace MachineGrid.Gateway;

/// <summary>
/// Counts the open event streams of each principal and refuses one past <see cref="MaxPerPrincipal"/>, so one key
/// cannot hold open connections (and their subscriptions) without bound. A stream's slot is freed when its response ends.
/// </summary>
public sealed class EventStreamSlots
{
    /// <summary>The most event streams one principal has open at once.</summary>
    public const int MaxPerPrincipal = 16;

    private readonly ConcurrentDictionary<string, int> open = new(StringComparer.Ordinal);

    /// <summary>Streams the principal has open now.</summary>
    public int OpenCount(string principalId) => open.TryGetValue(principalId, out var count) ? count : 0;

    /// <summary>Takes a slot for a new stream of the principal; dispose the result when the stream ends.</summary>
    /// <exception cref="DomainException">The principal already has <see cref="MaxPerPrincipal"/> streams open.</exception>
    public IDisposable Take(string principalId)
    {
        if (open.AddOrUpdate(principalId, 1, static (_, count) => count + 1) > MaxPerPrincipal)
        {
            Release(principalId);
            throw new DomainException(DomainErrorCode.InvalidState,
                $"At most {MaxPerPrincipal} event streams may be open per principal; close one before opening another.");
        }
        return new Slot(this, principalId);
    }

    private void Release(string principalId)
    {
        if (open.AddOrUpdate(principalId, 0, static (_, count) => count - 1) == 0)
        {
            open.TryRemove(KeyValuePair.Create(principalId, 0));
        }
    }

    private sealed class Slot(EventStreamSlots slots, string principalId) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                slots.Release(principalId);
            }
        }
    }
}
