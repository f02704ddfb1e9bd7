namespace MachineGrid.Client;

/// <summary>Whether a machine can take work.</summary>
public enum MachineStatus
{
    /// <summary>Its agent heartbeats.</summary>
    Online,
    /// <summary>No recent heartbeat.</summary>
    Offline,
    /// <summary>Running runs finish; nothing new is assigned.</summary>
    Maintenance,
}
