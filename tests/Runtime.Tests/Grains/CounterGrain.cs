namespace MachineGrid.Runtime.Tests.Grains;

public sealed class CounterState
{
    public int Value { get; set; }
}

public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> Add(int amount);

    /// <summary>Changes the value without writing it.</summary>
    Task SetWithoutWriting(int value);

    Task<int> Get();

    Task<Guid> ActivationId();

    Task<int> ValueSeenOnActivate();

    Task<string?> Etag();

    Task Deactivate();

    Task Clear();
}

public sealed class CounterGrain([PersistentState("counter")] IPersistentState<CounterState> counter) : Grain, ICounterGrain
{
    private readonly Guid activationId = Guid.NewGuid();
    private int valueSeenOnActivate = -1;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        valueSeenOnActivate = counter.State.Value;
        Probe.Record(GetPrimaryKeyString(), "activate");
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Probe.Record(GetPrimaryKeyString(), $"deactivate:{reason.Code}");
        return Task.CompletedTask;
    }

    public async Task<int> Add(int amount)
    {
        counter.State.Value += amount;
        await counter.WriteStateAsync();
        return counter.State.Value;
    }

    public Task SetWithoutWriting(int value)
    {
        counter.State.Value = value;
        return Task.CompletedTask;
    }

    public Task<int> Get() => Task.FromResult(counter.State.Value);

    public Task<Guid> ActivationId() => Task.FromResult(activationId);

    public Task<int> ValueSeenOnActivate() => Task.FromResult(valueSeenOnActivate);

    public Task<string?> Etag() => Task.FromResult(counter.Etag);

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task Clear() => counter.ClearStateAsync();
}
