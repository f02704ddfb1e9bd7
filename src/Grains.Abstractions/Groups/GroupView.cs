namespace MachineGrid.Grains;

/// <summary>A machine group with the columns of the group list.</summary>
[GenerateSerializer, Immutable, Alias("mg.GroupView")]
public sealed record GroupView(
    string Id,
    string Name,
    string? Description,
    int MachineCount,
    int RunningCount,
    int QueuedCount,
    ResourceAccess? Access,
    PrincipalRef Owner,
    bool Maintenance,
    bool HasPassword);
