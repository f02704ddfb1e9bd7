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

public sealed class CounterGrain([PersistentState("counter")] IPersistentState<CounterState> counter) : CounterGrainBase(counter), ICounterGrain
{
    private readonly Guid activationId = Guid.NewGuid();
    private int valueSeenOnActivate = -1;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        valueSeenOnActivate = Counter.State.Value;
        Probe.Record(GetPrimaryKeyString(), "activate");
        return Task.CompletedTask;
    }

    public Task<Guid> ActivationId() => Task.FromResult(activationId);

    public Task<int> ValueSeenOnActivate() => Task.FromResult(valueSeenOnActivate);

    public Task<string?> Etag() => Task.FromResult(Counter.Etag);

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task Clear() => Counter.ClearStateAsync();
}
