namespace MachineGrid.Grains;

/// <summary>A machine as callers see it. Never carries the machine key.</summary>
[GenerateSerializer, Immutable, Alias("mg.MachineView")]
public sealed record MachineView(
    string Id,
    string Name,
    string? Description,
    MachineStatus Status,
    MachineKind Kind,
    int MaxSessions,
    string? GroupId,
    IReadOnlyList<SessionView> Sessions,
    DateTimeOffset? LastHeartbeat,
    string AgentVersion,
    string Os,
    PrincipalRef Owner,
    ResourceAccess? Access);
