namespace MachineGrid.Runtime.Tests.Grains;

public interface IExplicitCounterGrain : IGrainWithStringKey
{
    Task<int> Add(int amount);

    /// <summary>Changes the value without writing it.</summary>
    Task SetWithoutWriting(int value);

    Task<int> Get();
}

/// <summary>A counter whose state the runtime does not write at deactivation: only <see cref="Add"/> writes it.</summary>
public sealed class ExplicitCounterGrain([PersistentState("counter", WriteOnDeactivation = false)] IPersistentState<CounterState> counter)
    : Grain, IExplicitCounterGrain
{
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
}
