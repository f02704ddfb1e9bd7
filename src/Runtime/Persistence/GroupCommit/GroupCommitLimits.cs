namespace MachineGrid.Runtime.Persistence.GroupCommit;

/// <summary>Bounds on one group commit.</summary>
/// <param name="MaxWrites">Most writes one transaction carries.</param>
/// <param name="MaxPayloadBytes">Payload bytes after which no further write joins the batch (a single larger write still commits alone).</param>
internal sealed record GroupCommitLimits(int MaxWrites, long MaxPayloadBytes)
{
    /// <summary>Defaults: 4,096 writes or 16 MiB of payload.</summary>
    public static GroupCommitLimits Default { get; } = new(4096, 16L * 1024 * 1024);
}
