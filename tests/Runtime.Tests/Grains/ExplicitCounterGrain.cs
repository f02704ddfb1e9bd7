namespace MachineGrid.Runtime.Tests.Grains;

public interface IExplicitCounterGrain : IGrainWithStringKey
{
    Task<int> Add(int amount);

    /// <summary>Changes the value without writing it.</summary>
    Task SetWithoutWriting(int value);

    Task<int> Get();
}

/// <summary>A counter whose state the runtime does not write at deactivation: only <see cref="CounterGrainBase.Add"/> writes it.</summary>
public sealed class ExplicitCounterGrain([PersistentState("counter", WriteOnDeactivation = false)] IPersistentState<CounterState> counter)
    : CounterGrainBase(counter), IExplicitCounterGrain;
