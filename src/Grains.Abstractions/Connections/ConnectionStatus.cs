namespace MachineGrid.Grains;

/// <summary>Whether a connection can be used.</summary>
[GenerateSerializer, Alias("mg.ConnectionStatus")]
public enum ConnectionStatus
{
    /// <summary>Usable.</summary>
    Connected,
    /// <summary>Its target machine joined a group; update it to target the group.</summary>
    Broken,
}
