using Microsoft.Extensions.Hosting;

namespace MachineGrid.Gateway;

/// <summary>
/// Subscribes this gateway's key cache to the cluster's revocation hub and renews the subscription, so a key deleted on
/// any silo stops working here on the next request.
/// </summary>
public sealed class KeyRevocationListener(IGrainFactory grains, KeyAuthenticator authenticator, TimeProvider time) : BackgroundService, IKeyRevocationObserver
{
    private static readonly TimeSpan Renewal = IKeyRevocationHubGrain.SubscriptionLifetime / 3;
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    public Task Revoked(KeyHolder holder)
    {
        authenticator.Forget(holder);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var hub = grains.GetGrain<IKeyRevocationHubGrain>("environment");
        var self = grains.CreateObjectReference<IKeyRevocationObserver>(this);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var next = Renewal;
                try
                {
                    await hub.Subscribe(self);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The cluster is starting or changing: try again soon, not at the next renewal.
                    next = RetryAfterFailure;
                }
                await Task.Delay(next, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            grains.DeleteObjectReference<IKeyRevocationObserver>(self);
        }
    }
}
