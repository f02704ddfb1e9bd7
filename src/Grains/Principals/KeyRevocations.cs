namespace MachineGrid.Grains;

/// <summary>
/// Where grains announce that a key stopped signing in because its principal or machine was deleted, so that whoever
/// caches sign-ins (the gateway's <c>KeyAuthenticator</c>) drops them before the deletion is answered. A grain calls
/// <see cref="RevokeAsync"/> after its key no longer verifies in storage. Today every subscriber is in this process and
/// is told before the returned task completes; with several silos this publishes to a broadcast channel that each silo
/// subscribes to and passes to its own subscribers, and the task completes once the notice is published, so callers and
/// subscribers stay as they are.
/// </summary>
public sealed class KeyRevocations
{
    private readonly Lock gate = new();
    private Action<KeyHolder>[] subscribers = [];

    /// <summary>Calls <paramref name="revoked"/> for every key revoked from now on, until the result is disposed.</summary>
    public IDisposable Subscribe(Action<KeyHolder> revoked)
    {
        lock (gate)
        {
            subscribers = [.. subscribers, revoked];
        }
        return new Subscription(this, revoked);
    }

    /// <summary>Tells every subscriber that the keys of <paramref name="holder"/> no longer sign in.</summary>
    public Task RevokeAsync(KeyHolder holder)
    {
        foreach (var revoked in Volatile.Read(ref subscribers))
        {
            revoked(holder);
        }
        return Task.CompletedTask;
    }

    private void Unsubscribe(Action<KeyHolder> revoked)
    {
        lock (gate)
        {
            subscribers = [.. subscribers.Where(subscriber => subscriber != revoked)];
        }
    }

    private sealed class Subscription(KeyRevocations revocations, Action<KeyHolder> revoked) : IDisposable
    {
        public void Dispose() => revocations.Unsubscribe(revoked);
    }
}
