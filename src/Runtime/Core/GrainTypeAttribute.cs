namespace MachineGrid.Runtime;

/// <summary>Overrides the grain type name used in grain ids and storage (default: class name, lower case, without a trailing "Grain").</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class GrainTypeAttribute(string name) : Attribute
{
    /// <summary>The grain type name.</summary>
    public string Name { get; } = name;
}
