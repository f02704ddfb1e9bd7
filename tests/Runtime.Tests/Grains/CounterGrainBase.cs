namespace MachineGrid.Runtime.Tests.Grains;

/// <summary>What the counter grains share: add and write, change without writing, read, and a probe at deactivation.</summary>
public abstract class CounterGrainBase(IPersistentState<CounterState> counter) : Grain
{
    /// <summary>The counter's persistent state.</summary>
    protected IPersistentState<CounterState> Counter => counter;

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
