using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace MachineGrid.Runtime.Persistence.Sqlite.Journal;

/// <summary>
/// Applies frozen change sets to SQLite on a thread of its own, each in one transaction that is on disk when it
/// commits (<c>synchronous = FULL</c>); then makes the journal file that held them the spare (<see cref="JournalFiles"/>)
/// and drops the set, whose rows readers now find in SQLite. A failed apply is logged and tried again: the journal still holds the changes.
/// While the writer is idle and changes wait, it asks the writer to freeze them.
/// </summary>
internal sealed class SqliteJournalApplier : IDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private readonly JournalFiles files;
    private readonly SqliteConnection connection;
    private readonly SqliteApplyStatements statements;
    private readonly UnappliedChanges changes;
    private readonly WalBacklog backlog;
    private readonly JournalPolicy policy;
    private readonly Action requestApply;
    private readonly ILogger logger;
    private readonly object gate = new();
    private readonly Thread thread;
    private (ChangeSet Set, long Sequence, Task Closed)? pending;
    private TaskCompletionSource idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long lastRequest;
    private bool stopping;
    private bool abandoned;

    /// <summary>Starts the thread, applying on <paramref name="connection"/> (open, owned from now on).</summary>
    public SqliteJournalApplier(JournalFiles files, SqliteConnection connection, UnappliedChanges changes, WalBacklog backlog, JournalPolicy policy, Action requestApply, ILogger logger)
    {
        this.files = files;
        this.connection = connection;
        statements = new SqliteApplyStatements(connection);
        this.changes = changes;
        this.backlog = backlog;
        this.policy = policy;
        this.requestApply = requestApply;
        this.logger = logger;
        idle.SetResult();
        thread = new Thread(Run) { IsBackground = true, Name = "Journal apply" };
        thread.Start();
    }

    /// <summary>
    /// Applies the changes of <paramref name="sets"/>, in order, in one durable transaction on <paramref name="connection"/>,
    /// which also records that SQLite holds the journal files up to <paramref name="appliedThrough"/>.
    /// </summary>
    public static void ApplyNow(SqliteConnection connection, SqliteApplyStatements statements, long appliedThrough, params ReadOnlySpan<ChangeSet> sets)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        foreach (var set in sets)
        {
            statements.Apply(set);
        }
        statements.MarkApplied(appliedThrough);
        transaction.Commit();
    }

    /// <summary>
    /// Hands over a frozen set, held by journal file <paramref name="sequence"/> and those before it; <paramref name="closed"/>
    /// completes once that file is complete and closed.
    /// </summary>
    public void Apply(ChangeSet set, long sequence, Task closed)
    {
        lock (gate)
        {
            pending = (set, sequence, closed);
            idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Monitor.Pulse(gate);
        }
    }

    /// <summary>Completes once the set handed over last is applied.</summary>
    public Task WhenIdle()
    {
        lock (gate)
        {
            return idle.Task;
        }
    }

    /// <summary>
    /// Finishes the set in progress and stops; then applies what the unapplied changes still hold (after the
    /// journal is closed, so nothing more arrives) and deletes every journal file, which SQLite then holds.
    /// </summary>
    /// <param name="files">The journal's files.</param>
    /// <param name="lastSequence">The number of the last journal file.</param>
    public void Close(JournalFiles files, long lastSequence)
    {
        Stop(abandon: false);
        try
        {
            var left = changes.Frozen is { } frozen ? new[] { frozen, changes.Active } : [changes.Active];
            ApplyNow(connection, statements, lastSequence, left);
            foreach (var (_, path) in files.Existing())
            {
                File.Delete(path);
            }
            File.Delete(files.SparePath);
        }
        catch (Exception ex) when (ex is SqliteException or IOException)
        {
            logger.LogError(ex, "The journal could not be applied to SQLite at shutdown; it is kept and replayed at the next start.");
        }
        finally
        {
            Dispose();
        }
    }

    /// <summary>Stops at once, as a killed process would, leaving unapplied changes to the journal files.</summary>
    public void Abandon()
    {
        Stop(abandon: true);
        Dispose();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Stop(abandon: true);
        statements.Dispose();
        connection.Dispose();
    }

    private void Stop(bool abandon)
    {
        lock (gate)
        {
            abandoned |= abandon;
            if (stopping)
            {
                return;
            }
            stopping = true;
            Monitor.Pulse(gate);
        }
        thread.Join();
    }

    private void Run()
    {
        while (Next() is { } work)
        {
            if (!ApplyWithRetry(work.Set, work.Sequence))
            {
                return;
            }
            try
            {
                work.Closed.GetAwaiter().GetResult();
                files.Recycle(work.Sequence);
            }
            catch (Exception ex)
            {
                // The journal failed to close the file (the silo must restart) or it cannot be renamed; a replay skips it.
                logger.LogWarning(ex, "A journal file already applied to SQLite was not recycled.");
            }
            changes.Applied(work.Set);
            TaskCompletionSource done;
            lock (gate)
            {
                done = idle;
            }
            done.TrySetResult();
        }
    }

    /// <summary>Waits for a set to apply, asking the writer for one when changes have waited long enough; null once stopping.</summary>
    private (ChangeSet Set, long Sequence, Task Closed)? Next()
    {
        var wait = policy.ApplyAfter / 4;
        while (true)
        {
            bool ask;
            lock (gate)
            {
                if (stopping)
                {
                    return null;
                }
                if (pending is { } work)
                {
                    pending = null;
                    return work;
                }
                Monitor.Wait(gate, wait);
                ask = pending is null && !stopping && IsDue(changes.Active.FirstChangeAt) && (lastRequest == 0 || IsDue(lastRequest));
            }
            if (ask)
            {
                lastRequest = Stopwatch.GetTimestamp();
                requestApply();
            }
        }
    }

    /// <summary>Whether <paramref name="since"/> (a timestamp; 0 for never) lies at least <see cref="JournalPolicy.ApplyAfter"/> back.</summary>
    private bool IsDue(long since) => since != 0 && Stopwatch.GetElapsedTime(since) >= policy.ApplyAfter;

    /// <summary>Applies <paramref name="set"/>, trying again after failures; false when stopped meanwhile.</summary>
    private bool ApplyWithRetry(ChangeSet set, long sequence)
    {
        while (true)
        {
            try
            {
                ApplyNow(connection, statements, sequence, set);
                backlog.Committed(SqliteFrames.TakeWritten(connection));
                return true;
            }
            catch (SqliteException ex)
            {
                logger.LogError(ex, "Applying {Changes} journal changes to SQLite failed; trying again in {Delay}.", set.Count, RetryDelay);
            }
            lock (gate)
            {
                if (!stopping)
                {
                    Monitor.Wait(gate, RetryDelay);
                }
                if (stopping)
                {
                    // A clean stop tries once more itself, and an abandoned journal keeps the changes for the next start.
                    return false;
                }
            }
        }
    }
}
