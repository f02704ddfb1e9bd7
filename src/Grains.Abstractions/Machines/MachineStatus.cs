namespace MachineGrid.Grains;

/// <summary>Whether a machine can take work.</summary>
[GenerateSerializer, Alias("mg.MachineStatus")]
public enum MachineStatus
{
    /// <summary>Its agent heartbeats.</summary>
    Online,
    /// <summary>No heartbeat within the offline threshold.</summary>
    Offline,
    /// <summary>Running runs finish; nothing new is assigned.</summary>
    Maintenance,
}
