namespace MachineGrid.Grains;

/// <summary>What holds an API key.</summary>
[GenerateSerializer, Alias("mg.KeyHolderKind")]
public enum KeyHolderKind
{
    /// <summary>A user principal.</summary>
    Principal,

    /// <summary>A machine.</summary>
    Machine,
}
