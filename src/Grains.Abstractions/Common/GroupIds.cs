namespace MachineGrid.Grains;

/// <summary>Group grain keys. A machine outside any group is scheduled by its own single-machine queue.</summary>
public static class GroupIds
{
    private const string SoloPrefix = "solo:";

    /// <summary>The key of the single-machine queue of a machine that is in no group.</summary>
    public static string SoloFor(string machineId) => SoloPrefix + machineId;

    /// <summary>Whether a group key is a single-machine queue.</summary>
    public static bool IsSolo(string groupId) => groupId.StartsWith(SoloPrefix, StringComparison.Ordinal);
}
