namespace MachineGrid.Grains;

/// <summary>Domain limits. The defaults are the seed's values.</summary>
public sealed class GridOptions
{
    /// <summary>Most machines in one group. Default 50.</summary>
    public int MaxMachinesPerGroup { get; set; } = 50;

    /// <summary>Longest time a run may wait in a queue. Default 3 h.</summary>
    public TimeSpan MaxQueueTime { get; set; } = TimeSpan.FromHours(3);

    /// <summary>Longest time a run may run. Default 24 h.</summary>
    public TimeSpan MaxRunTime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long an agent has to acknowledge an assignment before it is revoked. Default 30 s.</summary>
    public TimeSpan AssignmentAckTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Silence after which a machine is offline. Default 60 s.</summary>
    public TimeSpan MachineOfflineAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>PBKDF2 iterations for group passwords. Default 210,000 (OWASP's figure for SHA-512).</summary>
    public int PasswordIterations { get; set; } = 210_000;

    /// <summary>Most sessions a server may declare. Default 100.</summary>
    public int MaxSessionsPerMachine { get; set; } = 100;

    /// <summary>Longest name, in characters. Default 200.</summary>
    public int MaxNameLength { get; set; } = 200;

    /// <summary>Longest description, in characters. Default 2,000.</summary>
    public int MaxDescriptionLength { get; set; } = 2_000;

    /// <summary>Largest run inputs, in characters. Default 2 MiB.</summary>
    public int MaxInputsLength { get; set; } = 2 * 1024 * 1024;

    /// <summary>
    /// Most new submissions one silo works on at once; more wait their turn in memory, so a burst of submissions cannot
    /// fill the storage's commit queue ahead of the handoffs of machines that come free. Default 128.
    /// </summary>
    public int MaxConcurrentSubmissions { get; set; } = 128;
}
