namespace MachineGrid.Grains;

/// <summary>
/// The agent's heartbeats on a machine. Each is checked against the identity registered and against another live agent
/// holding it (a cloned machine), then applied; a machine whose agent stays silent for the offline limit goes offline.
/// </summary>
internal sealed class MachineHeartbeats(Func<MachineState> machine, GridOptions limits)
{
    private MachineState Machine => machine();

    /// <summary>Checks the heartbeat and applies it; returns whether it changed what the machine reports to its queue.</summary>
    public bool Accept(AgentHeartbeat heartbeat, DateTimeOffset now)
    {
        var instance = heartbeat.AgentInstanceId is null ? null : Validate.Id(heartbeat.AgentInstanceId, "agentInstanceId");
        if (heartbeat.Fingerprint is { } fingerprint && fingerprint != Machine.Fingerprint)
        {
            throw new DomainException(DomainErrorCode.MachineIdentityConflict, $"The agent's fingerprint does not match machine {Machine.Name}'s registration.");
        }
        if (instance is not null && Machine.Online && !IsSilent(now) && Machine.AgentInstanceId is { } holder && holder != instance)
        {
            throw new DomainException(DomainErrorCode.MachineIdentityConflict,
                $"Machine {Machine.Name} is already connected from another agent; a second live agent with the same identity (a cloned machine?) is refused.");
        }
        DomainException.Require(heartbeat.SignedInUsers is { Count: <= 1000 }, "signedInUsers must list at most 1,000 users.");
        var users = heartbeat.SignedInUsers.Select(u => Validate.Name(u, "signedInUsers", limits.MaxNameLength)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var changed = !Machine.Online || Machine.AgentInstanceId != instance || !users.SequenceEqual(Machine.SignedInUsers)
            || (heartbeat.Maintenance is { } maintenance && maintenance != Machine.Maintenance);
        Machine.LastHeartbeat = now;
        Machine.AgentInstanceId = instance;
        Machine.Online = true;
        Machine.SignedInUsers = users;
        Machine.Maintenance = heartbeat.Maintenance ?? Machine.Maintenance;
        return changed;
    }

    public MachineLiveness Check(DateTimeOffset now) =>
        !Machine.Created || !Machine.Online ? MachineLiveness.Unwatched : IsSilent(now) ? MachineLiveness.Silent : MachineLiveness.Live;

    private bool IsSilent(DateTimeOffset now) => Machine.LastHeartbeat is not { } last || now - last >= limits.MachineOfflineAfter;
}
