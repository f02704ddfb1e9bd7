using System.Collections.Concurrent;

namespace MachineGrid.Runtime.Tests.Grains;

public interface IFlakyActivationGrain : IGrainWithStringKey
{
    Task<int> Attempt();
}

/// <summary>Its first activation per key throws; later ones succeed.</summary>
public sealed class FlakyActivationGrain : Grain, IFlakyActivationGrain
{
    private static readonly ConcurrentDictionary<string, int> Attempts = new();
    private int attempt;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        attempt = Attempts.AddOrUpdate(GetPrimaryKeyString(), 1, (_, n) => n + 1);
        return attempt == 1 ? throw new InvalidOperationException("activation failed on purpose") : Task.CompletedTask;
    }

    public Task<int> Attempt() => Task.FromResult(attempt);
}

public interface ISlowGrain : IGrainWithStringKey
{
    /// <summary>Waits until <see cref="OpenGate"/>.</summary>
    Task Hang();

    Task<Guid> ActivationId();

    /// <summary>Waits for the test's gate, then asks to be deactivated.</summary>
    Task DeactivateAfterGate();

    [AlwaysInterleave]
    Task OpenGate();
}

public sealed class SlowGrain : Grain, ISlowGrain
{
    private readonly Guid activationId = Guid.NewGuid();
    private readonly TaskCompletionSource gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Probe.Record(GetPrimaryKeyString(), $"deactivate:{reason.Code}");
        return Task.CompletedTask;
    }

    public Task Hang() => gate.Task;

    public Task<Guid> ActivationId() => Task.FromResult(activationId);

    public async Task DeactivateAfterGate()
    {
        await gate.Task;
        DeactivateOnIdle();
    }

    public Task OpenGate()
    {
        gate.TrySetResult();
        return Task.CompletedTask;
    }
}

public interface IShortLivedGrain : IGrainWithStringKey
{
    Task Touch();
}

[CollectionAge(2)]
public sealed class ShortLivedGrain : Grain, IShortLivedGrain
{
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Probe.Record(GetPrimaryKeyString(), $"deactivate:{reason.Code}");
        return Task.CompletedTask;
    }

    public Task Touch() => Task.CompletedTask;
}

public interface ILongLivedGrain : IGrainWithStringKey
{
    Task Touch();
}

public sealed class LongLivedGrain : Grain, ILongLivedGrain
{
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Probe.Record(GetPrimaryKeyString(), $"deactivate:{reason.Code}");
        return Task.CompletedTask;
    }

    public Task Touch() => Task.CompletedTask;
}
