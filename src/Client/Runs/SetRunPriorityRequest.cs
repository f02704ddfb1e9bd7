namespace MachineGrid.Client;

/// <summary>The body of <c>PATCH /runs/{id}</c>.</summary>
public sealed record SetRunPriorityRequest(RunPriority Priority);
