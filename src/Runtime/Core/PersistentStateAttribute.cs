namespace MachineGrid.Runtime;

/// <summary>Marks a grain constructor parameter of type <see cref="IPersistentState{TState}"/> and names the state.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class PersistentStateAttribute(string stateName) : Attribute
{
    /// <summary>The state name, unique within the grain.</summary>
    public string StateName { get; } = stateName;

    /// <summary>
    /// Whether the runtime writes the state before deactivating the activation when it changed since it was last read or
    /// written (the default). A grain that itself writes every change it needs kept turns this off, and its activations
    /// then neither compare nor write the state at deactivation.
    /// </summary>
    public bool WriteOnDeactivation { get; init; } = true;
}
