namespace MachineGrid.Grains;

/// <summary>
/// Tells every gateway that a key was revoked, so none serves it from its cache (key: "environment"). A gateway
/// subscribes an observer and renews it within <see cref="SubscriptionLifetime"/>, or it is forgotten.
/// </summary>
[Alias("mg.IKeyRevocationHubGrain")]
public interface IKeyRevocationHubGrain : IGrainWithStringKey
{
    /// <summary>How long a subscription lasts without renewal.</summary>
    static readonly TimeSpan SubscriptionLifetime = TimeSpan.FromSeconds(60);

    /// <summary>Adds or renews a gateway's observer.</summary>
    Task Subscribe(IKeyRevocationObserver observer);

    /// <summary>Removes it, as its gateway stops.</summary>
    Task Unsubscribe(IKeyRevocationObserver observer);

    /// <summary>Returns once every subscribed gateway has dropped the holder's keys, or failed to answer within 2 s.</summary>
    Task Revoke(KeyHolder holder);
}

/// <summary>A gateway's key cache.</summary>
[Alias("mg.IKeyRevocationObserver")]
public interface IKeyRevocationObserver : IGrainObserver
{
    /// <summary>Drops every cached key of the holder; returns once dropped.</summary>
    Task Revoked(KeyHolder holder);
}
