namespace MachineGrid.Runtime;

/// <summary>Calls to this grain class may interleave at their awaits. They still never run in parallel.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ReentrantAttribute : Attribute;

/// <summary>Calls to this interface method interleave with any other call, even on a non-reentrant grain.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AlwaysInterleaveAttribute : Attribute;

/// <summary>This interface method changes no state, so it may interleave with other read-only calls.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ReadOnlyAttribute : Attribute;

/// <summary>The caller does not wait for this method: its task completes when the call is queued. The method must return <see cref="Task"/>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OneWayAttribute : Attribute;

/// <summary>Overrides the grain type name used in grain ids and storage (default: class name, lower case, without a trailing "Grain").</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class GrainTypeAttribute(string name) : Attribute
{
    /// <summary>The grain type name.</summary>
    public string Name { get; } = name;
}

/// <summary>Overrides how long an activation of this grain class may stay idle before it is collected.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class CollectionAgeAttribute(int minutes) : Attribute
{
    /// <summary>The idle time after which the activation is deactivated.</summary>
    public TimeSpan Age { get; } = TimeSpan.FromMinutes(minutes);
}

/// <summary>Marks a grain constructor parameter of type <see cref="IPersistentState{TState}"/> and names the state.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class PersistentStateAttribute(string stateName) : Attribute
{
    /// <summary>The state name, unique within the grain.</summary>
    public string StateName { get; } = stateName;
}
