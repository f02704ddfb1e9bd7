namespace MachineGrid.Runtime.Persistence.Sqlite;

/// <summary>When the background checkpointer copies the write-ahead log into the database file.</summary>
/// <param name="QuietPeriod">How long the writer must have been idle for a checkpoint of any size.</param>
/// <param name="MinInterval">The least time between two checkpoints taken because the writer was quiet.</param>
/// <param name="PressureFrames">Log pages after which a checkpoint runs even while the writer is busy.</param>
internal sealed record CheckpointPolicy(TimeSpan QuietPeriod, TimeSpan MinInterval, long PressureFrames)
{
    /// <summary>
    /// 25 ms of quiet, at most five quiet checkpoints a second, and 8,192 pages (32 MiB) under load: a burst of a
    /// thousand run lifecycles writes about 6,500 pages, half the writer's own checkpoint bound (16,384 pages), and in a
    /// steady stream of commits 8,192 pages come about every 200 ms.
    /// </summary>
    public static CheckpointPolicy Default { get; } = new(TimeSpan.FromMilliseconds(25), TimeSpan.FromMilliseconds(200), 8_192);

    /// <summary>How often the checkpointer looks at the backlog while pages wait to be copied (it sleeps while none do).</summary>
    public TimeSpan PollInterval => TimeSpan.FromMilliseconds(Math.Clamp(QuietPeriod.TotalMilliseconds / 2, 1, 50));

    /// <summary>Whether a checkpoint is due.</summary>
    /// <param name="frames">Log pages written since the last checkpoint.</param>
    /// <param name="sinceCommit">Time since the writer last committed.</param>
    /// <param name="sinceCheckpoint">Time since the last checkpoint.</param>
    public bool IsDue(long frames, TimeSpan sinceCommit, TimeSpan sinceCheckpoint) =>
        frames > 0 && (frames >= PressureFrames || (sinceCommit >= QuietPeriod && sinceCheckpoint >= MinInterval));
}
