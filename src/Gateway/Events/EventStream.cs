using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace MachineGrid.Gateway;

/// <summary>
/// One dashboard's event stream. Every <see cref="Tick"/> it takes what changed and sends at most one <c>changes</c>
/// event with what its actor may see, so a burst of any size costs each browser at most a few messages a second.
/// Environment Admins also get a <c>stats</c> event every second. A <c>ping</c> keeps idle connections open, and after
/// <see cref="MaxDuration"/> an <c>end</c> event closes the stream so the page reconnects with fresh credentials.
/// </summary>
public sealed class EventStream(Actor actor, IGrainFactory grains, EventBroadcaster broadcaster, StatsSampler stats, JsonSerializerOptions json, TimeProvider time)
{
    /// <summary>How often changes are looked at and sent.</summary>
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);

    /// <summary>How often admins get statistics.</summary>
    public static readonly TimeSpan StatsInterval = TimeSpan.FromSeconds(1);

    /// <summary>The longest silence before a <c>ping</c>.</summary>
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    /// <summary>How long one stream lasts before the page must reconnect (and so re-authenticate).</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(5);

    /// <summary>The events, until <paramref name="cancellationToken"/> fires (the client leaves or the host stops) or <see cref="MaxDuration"/> passes.</summary>
    public async IAsyncEnumerable<SseItem<string>> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var subscription = broadcaster.Subscribe();
        // Registers this gateway with the hub before "ready", so every change after it reaches the stream.
        await subscription.TakeAsync();
        var filter = new ChangeFilter(actor, grains);
        var started = time.GetTimestamp();
        var lastSent = started;
        var lastStats = started;
        yield return Item("ready", new StreamReady(actor.Name, actor.IsAdmin, (int)Tick.TotalMilliseconds));
        if (actor.IsAdmin)
        {
            yield return Item("stats", stats.Current(withHistory: false));
        }
        while (await DelayAsync(cancellationToken))
        {
            if (time.GetElapsedTime(started) >= MaxDuration)
            {
                yield return Item("end", new StreamEnd("The stream lasted its maximum time; reconnect."));
                yield break;
            }
            var changes = await subscription.TakeAsync();
            if (!changes.IsEmpty && await filter.FilterAsync(changes) is { IsEmpty: false } message)
            {
                yield return Item("changes", message);
                lastSent = time.GetTimestamp();
            }
            if (actor.IsAdmin && time.GetElapsedTime(lastStats) >= StatsInterval)
            {
                yield return Item("stats", stats.Current(withHistory: false));
                lastStats = lastSent = time.GetTimestamp();
            }
            if (time.GetElapsedTime(lastSent) >= KeepAlive)
            {
                yield return Item("ping", new StreamPing(time.GetUtcNow()));
                lastSent = time.GetTimestamp();
            }
        }
    }

    private async Task<bool> DelayAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Tick, time, cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private SseItem<string> Item<T>(string type, T data) => new(JsonSerializer.Serialize(data, json), type);
}
