namespace MachineGrid.Runtime.Persistence.Sqlite;

/// <summary>
/// What the writer has put in the write-ahead log since the last background checkpoint, and when it last committed:
/// the <see cref="SqliteWalCheckpointer"/> copies the log while the writer is quiet, and while it is busy only once the
/// log has grown past a bound, so a burst of commits is not slowed by a checkpoint reading and flushing beside it.
/// </summary>
internal sealed class WalBacklog(TimeProvider time) : IDisposable
{
    private readonly ManualResetEventSlim written = new();
    private long frames;
    private long lastCommit = time.GetTimestamp();

    /// <summary>Log frames (pages) written since the last checkpoint began, as counted by the writer.</summary>
    public long Frames => Interlocked.Read(ref frames);

    /// <summary>How long ago the writer last committed.</summary>
    public TimeSpan SinceLastCommit => time.GetElapsedTime(Interlocked.Read(ref lastCommit));

    /// <summary>Records a commit that wrote <paramref name="framesWritten"/> pages to the log.</summary>
    public void Committed(long framesWritten)
    {
        Interlocked.Add(ref frames, framesWritten);
        Interlocked.Exchange(ref lastCommit, time.GetTimestamp());
        if (framesWritten > 0)
        {
            written.Set();
        }
    }

    /// <summary>
    /// Records that a checkpoint began after <paramref name="framesCovered"/> (read from <see cref="Frames"/> before it)
    /// were written. Called by the checkpointer only, which looks at <see cref="Frames"/> again before it waits.
    /// </summary>
    public void Checkpointed(long framesCovered)
    {
        if (Interlocked.Add(ref frames, -framesCovered) == 0)
        {
            written.Reset();
        }
    }

    /// <summary>Waits until the writer has put pages in the log since the last checkpoint, so an idle database costs no wake-ups.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public void WaitForFrames(CancellationToken cancellationToken) => written.Wait(cancellationToken);

    /// <inheritdoc />
    public void Dispose() => written.Dispose();
}
