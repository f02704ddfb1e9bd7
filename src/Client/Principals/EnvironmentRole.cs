namespace MachineGrid.Client;

/// <summary>A security role a principal holds in the environment.</summary>
public enum EnvironmentRole
{
    /// <summary>Every action on every resource.</summary>
    EnvironmentAdmin,
    /// <summary>May register machines and create groups.</summary>
    EnvironmentMaker,
    /// <summary>Desktop Flows Machine Owner.</summary>
    MachineOwner,
    /// <summary>Desktop Flows Machine User.</summary>
    MachineUser,
    /// <summary>Desktop Flows Machine User Can Share.</summary>
    MachineUserCanShare,
}
