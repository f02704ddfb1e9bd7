namespace MachineGrid.Runtime;

/// <summary>The caller does not wait for this method: its task completes when the call is queued. The method must return <see cref="Task"/>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OneWayAttribute : Attribute;
