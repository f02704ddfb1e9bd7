using System.Text.Json.Serialization;

namespace MachineGrid.Gateway;

/// <summary>
/// The <c>changes</c> event: what changed since the stream's previous event, limited to what its principal may see.
/// Groups and machines come as full rows; runs only as the groups or machines whose runs changed, so the page refetches
/// the run lists it shows.
/// </summary>
/// <param name="Groups">Changed groups, as <c>GET /groups/{id}</c> shows them to this principal.</param>
/// <param name="RemovedGroups">Groups deleted, or that this stream had shown and the principal may no longer see.</param>
/// <param name="Machines">Changed machines, as <c>GET /machines/{id}</c> shows them.</param>
/// <param name="RemovedMachines">Machines deleted, or no longer visible.</param>
/// <param name="RunGroups">Groups with a run that changed.</param>
/// <param name="RunMachines">Machines outside any group with a run that changed.</param>
/// <param name="Overflow">More changed than one event carries: refetch what the page shows.</param>
public sealed record ChangesEvent(
    IReadOnlyList<GroupView> Groups,
    IReadOnlyList<string> RemovedGroups,
    IReadOnlyList<MachineView> Machines,
    IReadOnlyList<string> RemovedMachines,
    IReadOnlyList<string> RunGroups,
    IReadOnlyList<string> RunMachines,
    bool Overflow)
{
    /// <summary>Whether the event carries nothing.</summary>
    [JsonIgnore]
    public bool IsEmpty => !Overflow && Groups.Count == 0 && RemovedGroups.Count == 0 && Machines.Count == 0
        && RemovedMachines.Count == 0 && RunGroups.Count == 0 && RunMachines.Count == 0;
}
