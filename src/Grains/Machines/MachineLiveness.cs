namespace MachineGrid.Grains;

/// <summary>What a machine's liveness reminder finds.</summary>
internal enum MachineLiveness
{
    /// <summary>Online, and its agent beat within the offline limit: the reminder keeps watching.</summary>
    Live,
    /// <summary>Not registered, or already offline: nothing is left to watch.</summary>
    Unwatched,
    /// <summary>Online, but its agent fell silent: the machine goes offline.</summary>
    Silent,
}
