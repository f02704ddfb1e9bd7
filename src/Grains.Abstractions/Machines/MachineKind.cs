namespace MachineGrid.Grains;

/// <summary>Desktop machines run one session; servers run several, each under a different account.</summary>
[GenerateSerializer, Alias("mg.MachineKind")]
public enum MachineKind
{
    /// <summary>One session.</summary>
    Desktop,
    /// <summary>Several sessions.</summary>
    Server,
}
