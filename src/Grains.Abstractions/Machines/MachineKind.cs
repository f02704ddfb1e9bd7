namespace MachineGrid.Grains;

/// <summary>Desktop machines run one session; servers run several, each under a different account.</summary>
public enum MachineKind
{
    /// <summary>One session.</summary>
    Desktop,
    /// <summary>Several sessions.</summary>
    Server,
}
