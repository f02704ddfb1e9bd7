namespace MachineGrid.Runtime;

/// <summary>This interface method changes no state, so it may interleave with other read-only calls.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ReadOnlyAttribute : Attribute;
