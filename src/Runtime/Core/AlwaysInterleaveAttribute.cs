namespace MachineGrid.Runtime;

/// <summary>Calls to this interface method interleave with any other call, even on a non-reentrant grain.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AlwaysInterleaveAttribute : Attribute;
