namespace MachineGrid.Runtime.Persistence.Sqlite;

/// <summary>
/// Makes committed transactions durable by flushing the write-ahead log to disk on a thread of its own. The writer
/// commits with <c>synchronous = NORMAL</c> (no flush of its own) and goes on with the next batch while this thread
/// flushes; one flush covers every transaction committed before it began, and only then are their writes acknowledged.
/// Readers may see a transaction up to one flush before it is durable; no caller is told it is stored before it is.
/// A failed flush leaves the log's state on disk unknown (the kernel may drop the pages it could not write), so it
/// fails those writes and every later one: the silo must be restarted, and recovers from what reached the disk.
/// </summary>
internal sealed class SqliteLogFlusher : IDisposable
{
    private readonly string logPath;
    private readonly Action<FileStream> flush;
    private readonly object gate = new();
    private readonly Thread thread;
    private List<(TaskCompletionSource Done, int Generation)> waiting = [];
    private List<(TaskCompletionSource Done, int Generation)> flushing = [];
    private Exception? failure;
    private bool stopping;
    private FileStream? log;
    private int logGeneration = -1;

    /// <summary>Starts the flush thread for the log of the database at <paramref name="databasePath"/>.</summary>
    /// <param name="databasePath">The database file; its log is the <c>-wal</c> file beside it.</param>
    /// <param name="flush">Flushes the open log to disk; tests pass one that waits or fails.</param>
    public SqliteLogFlusher(string databasePath, Action<FileStream>? flush = null)
    {
        logPath = databasePath + "-wal";
        this.flush = flush ?? (stream => stream.Flush(flushToDisk: true));
        thread = new Thread(Run) { IsBackground = true, Name = "SQLite log flush" };
        thread.Start();
    }

    /// <summary>Why the log could not be flushed, once a flush failed; null while all is well.</summary>
    public Exception? Failure
    {
        get
        {
            lock (gate)
            {
                return failure;
            }
        }
    }

    /// <summary>
    /// A task that completes once every transaction committed so far is on disk. <paramref name="generation"/> counts
    /// the writer's connections: a new one may have recreated the log file, which is then opened again.
    /// </summary>
    public Task FlushAsync(int generation)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (gate)
        {
            if (failure is not null || stopping)
            {
                done.SetException(failure ?? new ObjectDisposedException(nameof(SqliteLogFlusher)));
                return done.Task;
            }
            waiting.Add((done, generation));
            if (waiting.Count == 1)
            {
                Monitor.Pulse(gate);
            }
        }
        return done.Task;
    }

    /// <summary>Flushes what is waiting, then stops the thread and closes the log.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            if (stopping)
            {
                return;
            }
            stopping = true;
            Monitor.Pulse(gate);
        }
        thread.Join();
        log?.Dispose();
    }

    private void Run()
    {
        while (true)
        {
            lock (gate)
            {
                while (waiting.Count == 0 && !stopping)
                {
                    Monitor.Wait(gate);
                }
                if (waiting.Count == 0)
                {
                    return;
                }
                (waiting, flushing) = (flushing, waiting);
            }
            var error = FlushOnce(flushing.Max(w => w.Generation));
            foreach (var (done, _) in flushing)
            {
                if (error is null)
                {
                    done.SetResult();
                }
                else
                {
                    done.SetException(error);
                }
            }
            flushing.Clear();
        }
    }

    private Exception? FlushOnce(int generation)
    {
        try
        {
            if (Failure is { } earlier)
            {
                return earlier;
            }
            if (log is null || logGeneration != generation)
            {
                log?.Dispose();
                log = new FileStream(logPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
                logGeneration = generation;
            }
            flush(log);
            return null;
        }
        catch (Exception ex)
        {
            var error = new IOException($"The SQLite log {logPath} could not be flushed to disk; writes since the last flush may be lost. Restart the silo.", ex);
            lock (gate)
            {
                failure ??= error;
                return failure;
            }
        }
    }
}
