namespace MachineGrid.Client;

/// <summary>Desktop machines run one session; servers run several.</summary>
public enum MachineKind
{
    /// <summary>One session.</summary>
    Desktop,
    /// <summary>Several sessions.</summary>
    Server,
}
