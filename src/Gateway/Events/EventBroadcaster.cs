using System.Collections.Concurrent;

namespace MachineGrid.Gateway;

/// <summary>
/// Fans the grains' change marks (<see cref="GridEvents"/>) out to every open event stream. Whichever stream looks first
/// drains the marks and hands a copy to each subscription, so the grains' marks are shared, and each stream sends at its
/// own pace what its principal may see.
/// </summary>
public sealed class EventBroadcaster(GridEvents events)
{
    private readonly ConcurrentDictionary<EventSubscription, byte> subscriptions = new();
    private readonly Lock pumping = new();

    /// <summary>Open streams.</summary>
    public int Count => subscriptions.Count;

    /// <summary>Subscribes a stream; the grains mark changes while any subscription is open.</summary>
    public EventSubscription Subscribe()
    {
        var subscription = new EventSubscription(this, events.Listen());
        subscriptions.TryAdd(subscription, 0);
        return subscription;
    }

    /// <summary>Moves the marks made since the previous pump into every subscription.</summary>
    public void Pump()
    {
        lock (pumping)
        {
            var changes = events.Drain();
            if (changes.IsEmpty)
            {
                return;
            }
            foreach (var subscription in subscriptions.Keys)
            {
                subscription.Add(changes);
            }
        }
    }

    internal void Remove(EventSubscription subscription) => subscriptions.TryRemove(subscription, out _);
}
