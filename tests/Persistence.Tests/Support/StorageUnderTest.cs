using MachineGrid.Persistence.Grains;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans;
using Orleans.Runtime;

namespace MachineGrid.Persistence.Tests.Support;

/// <summary>A store opened on its options, with the Orleans grain storage and read model over it; reopen to read what a new process would.</summary>
internal sealed class StorageUnderTest(StorageOptions options) : IAsyncDisposable
{
    public const string Name = "Default";

    private MachineGridStore store = TestStores.Open(options);

    public StorageOptions Options => options;

    public JsonGrainStorage Grains => new(Name, store, NullLogger<JsonGrainStorage>.Instance);

    public IReadModel ReadModel => new Persistence.ReadModel(store);

    internal MachineGridStore Store => store;

    public static async Task<StorageUnderTest> OpenAsync(Database database, PostgresServer postgres, Action<StorageOptions>? configure = null) =>
        new(await TestStores.NewOptionsAsync(database, postgres, configure));

    public async Task ReopenAsync()
    {
        await store.DisposeAsync();
        store = TestStores.Open(options);
    }

    public async Task<GrainState<T>> ReadAsync<T>(GrainId grain, string stateName = "state")
        where T : new()
    {
        var state = new GrainState<T>(new T());
        await Grains.ReadStateAsync(stateName, grain, state);
        return state;
    }

    public ValueTask DisposeAsync() => store.DisposeAsync();

    public static GrainId Grain(string key) => GrainId.Create("counter", key);
}

public sealed class Counter
{
    public int Value { get; set; }

    public string Label { get; set; } = "";
}

public sealed class CounterWithRows : StateWithRows
{
    public int Value { get; set; }
}
