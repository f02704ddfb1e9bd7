namespace MachineGrid.Client;

/// <summary>A machine group with the columns of the group list.</summary>
/// <param name="Id">Group id.</param>
/// <param name="Name">Group name.</param>
/// <param name="Description">Optional description.</param>
/// <param name="MachineCount">Member machines.</param>
/// <param name="RunningCount">Runs assigned or running on its machines.</param>
/// <param name="QueuedCount">Runs waiting in its queue.</param>
/// <param name="Access">The caller's access (Owner, CoOwner or User).</param>
/// <param name="Owner">The creator.</param>
/// <param name="Maintenance">Whether the group is in maintenance (nothing new is assigned).</param>
/// <param name="HasPassword">Whether a join password is set.</param>
public sealed record MachineGroup(
    string Id,
    string Name,
    string? Description,
    int MachineCount,
    int RunningCount,
    int QueuedCount,
    ResourceAccess? Access,
    PrincipalRef? Owner,
    bool Maintenance = false,
    bool HasPassword = false);
