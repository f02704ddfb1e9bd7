namespace MachineGrid.Runtime;

/// <summary>Calls to this grain class may interleave at their awaits. They still never run in parallel.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ReentrantAttribute : Attribute;
