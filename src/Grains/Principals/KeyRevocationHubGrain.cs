using Microsoft.Extensions.Logging;

namespace MachineGrid.Grains;

/// <summary>
/// Observers are told in parallel with a time limit, so one unreachable gateway delays a delete by 2 s at most; it
/// stops renewing and is forgotten, and its cache entries expire within their 30 s anyway.
/// </summary>
[Reentrant]
internal sealed partial class KeyRevocationHubGrain(TimeProvider time, ILogger<KeyRevocationHubGrain> logger) : Grain, IKeyRevocationHubGrain
{
    private static readonly TimeSpan NotifyLimit = TimeSpan.FromSeconds(2);
    private readonly Dictionary<IKeyRevocationObserver, DateTimeOffset> observers = [];

    public Task Subscribe(IKeyRevocationObserver observer)
    {
        observers[observer] = time.GetUtcNow() + IKeyRevocationHubGrain.SubscriptionLifetime;
        return Task.CompletedTask;
    }

    public Task Unsubscribe(IKeyRevocationObserver observer)
    {
        observers.Remove(observer);
        return Task.CompletedTask;
    }

    public async Task Revoke(KeyHolder holder)
    {
        var now = time.GetUtcNow();
        foreach (var expired in observers.Where(o => o.Value < now).Select(o => o.Key).ToList())
        {
            observers.Remove(expired);
        }
        await Task.WhenAll(observers.Keys.ToList().Select(observer => TellAsync(observer, holder)));
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
