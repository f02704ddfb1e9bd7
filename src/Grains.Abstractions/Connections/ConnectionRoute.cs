namespace MachineGrid.Grains;

/// <summary>Where a run through a connection is queued, and with which credentials.</summary>
/// <param name="GroupId">The group grain that schedules it (a machine outside any group has its own single-machine queue).</param>
/// <param name="Plan">The credentials it may use, by machine.</param>
/// <param name="PlanFromMapping">Whether the plan comes from a machine mapping (else from a single credential).</param>
[GenerateSerializer, Immutable, Alias("mg.ConnectionRoute")]
public sealed record ConnectionRoute(string GroupId, CredentialPlan Plan, bool PlanFromMapping);
