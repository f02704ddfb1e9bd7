namespace MachineGrid.Runtime;

/// <summary>Marks a grain constructor parameter of type <see cref="IPersistentState{TState}"/> and names the state.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class PersistentStateAttribute(string stateName) : Attribute
{
    /// <summary>The state name, unique within the grain.</summary>
    public string StateName { get; } = stateName;
}
