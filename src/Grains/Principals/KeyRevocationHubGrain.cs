using Microsoft.Extensions.Logging;

namespace MachineGrid.Grains;

/// <summary>
/// Observers are told in parallel with a time limit, so one unreachable gateway delays a delete by 2 s at most; it
/// stops renewing and is forgotten, and its cache entries expire within their 30 s anyway. Subscriptions are stored,
/// so a hub that comes back on another silo after a crash still tells every gateway, before any has renewed.
/// </summary>
[Reentrant]
internal sealed partial class KeyRevocationHubGrain(
    [PersistentState("revocation-subscribers")] IPersistentState<RevocationSubscribers> state,
    TimeProvider time,
    ILogger<KeyRevocationHubGrain> logger) : Grain, IKeyRevocationHubGrain
{
    private static readonly TimeSpan NotifyLimit = TimeSpan.FromSeconds(2);
    private StateFlusher? flusher;

    private StateFlusher Flusher => flusher ??= new StateFlusher(() => state.WriteStateAsync());

    public Task Subscribe(IKeyRevocationObserver observer)
    {
        ForgetExpired();
        state.State.Observers[observer.GetGrainId().ToString()] = time.GetUtcNow() + IKeyRevocationHubGrain.SubscriptionLifetime;
        return Flusher.FlushAsync();
    }

    public Task Unsubscribe(IKeyRevocationObserver observer) =>
        state.State.Observers.Remove(observer.GetGrainId().ToString()) ? Flusher.FlushAsync() : Task.CompletedTask;

    public async Task Revoke(KeyHolder holder)
    {
        ForgetExpired();
        var observers = state.State.Observers.Keys
            .Select(id => GrainFactory.GetGrain(GrainId.Parse(id)).AsReference<IKeyRevocationObserver>())
            .ToList();
        await Task.WhenAll(observers.Select(observer => TellAsync(observer, holder)));
    }

    private void ForgetExpired()
    {
        var now = time.GetUtcNow();
        foreach (var expired in state.State.Observers.Where(o => o.Value < now).Select(o => o.Key).ToList())
        {
            state.State.Observers.Remove(expired);
        }
    }

    private async Task TellAsync(IKeyRevocationObserver observer, KeyHolder holder)
    {
        try
        {
            await observer.Revoked(holder).WaitAsync(NotifyLimit, time);
        }
        catch (Exception ex)
        {
            LogUnreachable(logger, ex.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A gateway did not confirm a key revocation ({Error}); its cached keys expire within 30 s.")]
    private static partial void LogUnreachable(ILogger logger, string error);
}

/// <summary>The gateways' observers (their grain ids) and when each subscription lapses unless renewed.</summary>
internal sealed class RevocationSubscribers
{
    public Dictionary<string, DateTimeOffset> Observers { get; set; } = [];
}
