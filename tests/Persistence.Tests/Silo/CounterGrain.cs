using System.Text;
using Orleans;
using Orleans.Runtime;

namespace MachineGrid.Persistence.Tests.Silo;

public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> Increment();

    Task<int> Get();
}

/// <summary>Keeps a count, and files a read-model row per increment in the same write.</summary>
public sealed class CounterGrain([PersistentState("counter", StorageOptions.DefaultStorageName)] IPersistentState<CountedState> counter) : Grain, ICounterGrain
{
    public async Task<int> Increment()
    {
        counter.State.Count++;
        counter.State.PutRow("counts", $"{this.GetPrimaryKeyString()}/{counter.State.Count:D6}", Encoding.UTF8.GetBytes(counter.State.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await counter.WriteStateAsync();
        return counter.State.Count;
    }

    public Task<int> Get() => Task.FromResult(counter.State.Count);
}

public sealed class CountedState : StateWithRows
{
    public int Count { get; set; }
}
