namespace MachineGrid.Grains;

/// <summary>Persistent state of a principal. Its API key is kept only as a hash, in <see cref="ApiKeys"/>.</summary>
public sealed class PrincipalState
{
    /// <summary>Whether it exists.</summary>
    public bool Created { get; set; }

    /// <summary>Display name.</summary>
    public string Name { get; set; } = "";

    /// <summary>Environment roles.</summary>
    public EnvironmentRoles Roles { get; set; }

    /// <summary>The hash its API key is stored under in <see cref="ApiKeys"/>; empty for principals stored before it was kept.</summary>
    public string KeyHash { get; set; } = "";
}
