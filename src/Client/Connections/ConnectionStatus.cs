namespace MachineGrid.Client;

/// <summary>Whether a connection can be used.</summary>
public enum ConnectionStatus
{
    /// <summary>Usable.</summary>
    Connected,
    /// <summary>Its target machine joined a group.</summary>
    Broken,
}
