namespace MachineGrid.Client;

/// <summary>Unattended runs sign in a new session; attended runs use the user's open session.</summary>
public enum RunMode
{
    /// <summary>Signs in a new session.</summary>
    Unattended,
    /// <summary>Uses the user's open session.</summary>
    Attended,
}
