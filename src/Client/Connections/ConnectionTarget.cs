namespace MachineGrid.Client;

/// <summary>What a connection runs on: one machine or a group (exactly one is set).</summary>
public sealed record ConnectionTarget(string? MachineId = null, string? GroupId = null)
{
    /// <summary>A target of one machine.</summary>
    public static ConnectionTarget Machine(string machineId) => new(MachineId: machineId);

    /// <summary>A target of a machine group.</summary>
    public static ConnectionTarget Group(string groupId) => new(GroupId: groupId);
}
