using System.Collections.Concurrent;

namespace MachineGrid.Gateway;

/// <summary>
/// Fans the cluster's change marks out to every event stream open on this gateway. The marks come from the hub grain
/// (<see cref="IGridEventsHubGrain"/>), which gathers them from every silo; whichever stream looks first reads what is
/// new for all of them, and while any stream is open the hub counts this gateway as listening.
/// </summary>
public sealed class EventBroadcaster(IGrainFactory grains)
{
    private readonly ConcurrentDictionary<EventSubscription, byte> subscriptions = new();
    private readonly SemaphoreSlim pumping = new(1, 1);
    private readonly string gatewayId = Guid.NewGuid().ToString("N");
    private long? cursor;

    /// <summary>Open streams on this gateway.</summary>
    public int Count => subscriptions.Count;

    /// <summary>A new stream's subscription; dispose it when the stream ends.</summary>
    public EventSubscription Subscribe()
    {
        var subscription = new EventSubscription(this);
        subscriptions.TryAdd(subscription, 0);
        return subscription;
    }

    /// <summary>Reads what the hub has that is new and hands it to every subscription. A pump already running serves the caller.</summary>
    public async Task PumpAsync()
    {
        if (!await pumping.WaitAsync(0))
        {
            return;
        }
        try
        {
            var feed = await grains.GetGrain<IGridEventsHubGrain>("environment").Read(gatewayId, cursor, listening: !subscriptions.IsEmpty);
            cursor = feed.Cursor;
            if (feed.Changes.IsEmpty)
            {
                return;
            }
            foreach (var subscription in subscriptions.Keys)
            {
                subscription.Add(feed.Changes);
            }
        }
        finally
        {
            pumping.Release();
        }
    }

    internal void Remove(EventSubscription subscription) => subscriptions.TryRemove(subscription, out _);
}
