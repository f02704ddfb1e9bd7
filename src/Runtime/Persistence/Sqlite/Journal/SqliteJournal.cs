using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace MachineGrid.Runtime.Persistence.Sqlite.Journal;

/// <summary>
/// The write-behind journal of a SQLite database. Writes are accepted into <see cref="Changes"/> and appended to a
/// journal file, and acknowledged once that file is flushed to disk; <see cref="Applier"/> hands them to SQLite in large
/// transactions later. Opening it takes the database's lock, creates the schema and replays the journal files a
/// crash left, so SQLite holds every acknowledged write before anything is read.
/// </summary>
/// <param name="databasePath">The database file; the journal files and the lock file lie beside it. Nothing is opened before <see cref="Open"/>.</param>
/// <param name="connectionString">Opens a read-write connection to the database (no pooling).</param>
/// <param name="backlog">Counts the log pages the applier writes.</param>
/// <param name="policy">When changes are applied to SQLite.</param>
/// <param name="requestApply">Asks the writer to hand the changes over at its next batch.</param>
/// <param name="flush">Flushes a journal file to disk; tests pass one that waits or fails.</param>
/// <param name="logger">Receives apply failures and replays.</param>
internal sealed class SqliteJournal(
    string databasePath, string connectionString, WalBacklog backlog, JournalPolicy policy, Action requestApply, Action<FileStream>? flush, ILogger logger)
{
    private readonly JournalFiles files = new(databasePath);
    private FileStream? lockFile;
    private JournalAppender? appender;
    private SqliteJournalApplier? applier;
    private SqliteStoredVersions? versions;

    /// <summary>What the journal holds that SQLite does not yet.</summary>
    public UnappliedChanges Changes { get; } = new();

    /// <summary>Appends records to the journal file; available once open.</summary>
    public JournalAppender Appender => appender ?? throw NotOpen();

    /// <summary>Applies frozen change sets to SQLite; available once open.</summary>
    public SqliteJournalApplier Applier => applier ?? throw NotOpen();

    /// <summary>Versions of the records SQLite holds, for the writer; available once open.</summary>
    public SqliteStoredVersions Versions => versions ?? throw NotOpen();

    /// <summary>Takes the lock, creates the schema (<paramref name="schemaSql"/>), replays the journal files and starts appending.</summary>
    /// <exception cref="IOException">Another silo holds the database.</exception>
    public void Open(string schemaSql)
    {
        lockFile = files.Lock();
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            using (var command = connection.CreateCommand())
            {
                command.CommandText = schemaSql;
                command.ExecuteNonQuery();
            }
            var next = Replay(connection);
            versions = SqliteStoredVersions.Open(connectionString);
            appender = new JournalAppender(files, next, flush);
            applier = new SqliteJournalApplier(files, connection, Changes, backlog, policy, requestApply, logger);
        }
        catch
        {
            appender?.Abandon();
            versions?.Close();
            connection.Dispose();
            lockFile.Dispose();
            (appender, versions, lockFile) = (null, null, null);
            throw;
        }
    }

    /// <summary>Flushes and closes the journal, applies what SQLite lacks, deletes the journal files and releases the lock.</summary>
    public void Close() => Stop(abandon: false);

    /// <summary>Stops as a killed process would: unapplied changes stay in the journal files for the next start.</summary>
    public void Abandon() => Stop(abandon: true);

    private void Stop(bool abandon)
    {
        if (lockFile is null)
        {
            return;
        }
        if (abandon)
        {
            appender!.Abandon();
            applier!.Abandon();
        }
        else
        {
            appender!.Dispose();
            applier!.Close(files, appender.CurrentSequence);
        }
        versions!.Close();
        lockFile.Dispose();
        lockFile = null;
    }

    /// <summary>
    /// Applies the records of the journal files SQLite does not hold yet, and deletes every journal file; returns the
    /// number of the next file, past every number used before (a replay skips files up to the number SQLite holds).
    /// </summary>
    private long Replay(SqliteConnection connection)
    {
        using var statements = new SqliteApplyStatements(connection);
        var appliedThrough = statements.AppliedThrough();
        var existing = files.Existing();
        var unapplied = existing.Where(file => file.Sequence > appliedThrough).ToList();
        if (unapplied.Count > 0)
        {
            var changes = new ChangeSet();
            var records = unapplied.Sum(file => JournalReader.ReadInto(file.Path, file.Sequence, changes));
            SqliteJournalApplier.ApplyNow(connection, statements, unapplied[^1].Sequence, changes);
            if (records > 0)
            {
                logger.LogInformation("Replayed {Records} journal records ({Changes} changes) from {Files} journal files into SQLite.", records, changes.Count, unapplied.Count);
            }
        }
        foreach (var (_, path) in existing)
        {
            File.Delete(path);
        }
        return Math.Max(appliedThrough, existing.Count > 0 ? existing[^1].Sequence : 0) + 1;
    }

    private static InvalidOperationException NotOpen() => new("The journal is not open.");
}
