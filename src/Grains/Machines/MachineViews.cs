namespace MachineGrid.Grains;

/// <summary>How a machine shows: to its users as a view, and to the queue that schedules it as its availability.</summary>
internal static class MachineViews
{
    public static MachineView View(string machineId, MachineState machine, IReadOnlyList<SessionView> sessions, ResourceAccess? access) =>
        new(machineId, machine.Name, machine.Description, Status(machine), machine.Kind, machine.MaxSessions, machine.GroupId, sessions,
            machine.LastHeartbeat, machine.AgentVersion, machine.Os, machine.Access.Owner ?? new PrincipalRef("", ""), access);

    /// <summary>
    /// A copy of what the queue schedules by: the availability is sent as immutable, so within a silo the group would
    /// otherwise hold the lists the machine goes on changing.
    /// </summary>
    public static MachineAvailability Availability(string machineId, MachineState machine) =>
        new(machineId, machine.Name, machine.Online, machine.Maintenance, machine.MaxSessions, [.. machine.SignedInUsers], [.. machine.FailedCredentials.Keys]);

    public static MachineStatus Status(MachineState machine) =>
        machine.Maintenance ? MachineStatus.Maintenance : machine.Online ? MachineStatus.Online : MachineStatus.Offline;
}
