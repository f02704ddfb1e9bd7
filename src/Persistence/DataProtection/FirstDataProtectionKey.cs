using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;

namespace MachineGrid.Persistence;

/// <summary>
/// Creates the key ring's first key while silo start holds a database-wide lock, so silos started together on an empty
/// database share one key. Left to itself, each silo's Data Protection would create a key of its own at its first use,
/// and a secret protected with one silo's key would not unprotect on another until their key rings next refresh.
/// </summary>
internal sealed class FirstDataProtectionKey(MachineGridStore store, IKeyManager keys, IOptions<KeyManagementOptions> options) : ILifecycleParticipant<ISiloLifecycle>
{
    private const long LockKey = 0x4D47_4450_4B45_5931;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(FirstDataProtectionKey), ServiceLifecycleStage.ApplicationServices, EnsureAsync);

    private Task EnsureAsync(CancellationToken cancellationToken) =>
        store.Database.RunExclusiveAsync(LockKey, () => Task.Run(CreateUnlessOneIsActive, cancellationToken), cancellationToken);

    private void CreateUnlessOneIsActive()
    {
        // Data Protection reads the system clock, so this does too.
        var now = DateTimeOffset.UtcNow;
        if (!keys.GetAllKeys().Any(key => !key.IsRevoked && key.ActivationDate <= now && key.ExpirationDate > now))
        {
            keys.CreateNewKey(now, now + options.Value.NewKeyLifetime);
        }
    }
}
