namespace MachineGrid.Grains;

/// <summary>Unattended runs sign in a new session; attended runs use the user's open session.</summary>
[GenerateSerializer, Alias("mg.RunMode")]
public enum RunMode
{
    /// <summary>Needs the machine to have no session of the run's user.</summary>
    Unattended,
    /// <summary>Needs the run's user to have an open session on the machine.</summary>
    Attended,
}
