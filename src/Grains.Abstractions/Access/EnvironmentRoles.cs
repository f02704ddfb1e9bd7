namespace MachineGrid.Grains;

/// <summary>Security roles a principal holds in the environment.</summary>
[GenerateSerializer, Alias("mg.EnvironmentRoles")]
[Flags]
public enum EnvironmentRoles
{
    /// <summary>No role.</summary>
    None = 0,
    /// <summary>Environment Admin: every action on every resource.</summary>
    EnvironmentAdmin = 1,
    /// <summary>Environment Maker: may register machines and create groups (by default it has the machine owner's actions).</summary>
    EnvironmentMaker = 2,
    /// <summary>Desktop Flows Machine Owner.</summary>
    MachineOwner = 4,
    /// <summary>Desktop Flows Machine User.</summary>
    MachineUser = 8,
    /// <summary>Desktop Flows Machine User Can Share.</summary>
    MachineUserCanShare = 16,
}
