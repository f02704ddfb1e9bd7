using System.Collections.Concurrent;

namespace MachineGrid.Runtime.Activation;

/// <summary>The live activations of this silo, at most one per grain id.</summary>
internal sealed class Catalog
{
    private readonly ConcurrentDictionary<GrainId, Activation> activations = new();

    public int Count => activations.Count;

    public IEnumerable<Activation> All => activations.Values;

    /// <summary>The activation for the id, creating an unstarted one when there is none.</summary>
    public Activation GetOrCreate(SiloRuntime runtime, GrainId id, GrainClass grainClass) =>
        activations.TryGetValue(id, out var existing)
            ? existing
            : activations.GetOrAdd(id, static (id, state) => new Activation(state.runtime, id, state.grainClass), (runtime, grainClass));

    /// <summary>Removes exactly this activation, leaving a newer one for the same id in place.</summary>
    public void Remove(Activation activation) => activations.TryRemove(KeyValuePair.Create(activation.Id, activation));
}
