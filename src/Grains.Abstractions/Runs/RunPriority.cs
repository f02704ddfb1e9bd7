namespace MachineGrid.Grains;

/// <summary>Queue priority; higher runs are assigned first.</summary>
[GenerateSerializer, Alias("mg.RunPriority")]
public enum RunPriority
{
    /// <summary>Assigned first.</summary>
    High,
    /// <summary>The default.</summary>
    Normal,
    /// <summary>Assigned last.</summary>
    Low,
}
