using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace MachineGrid.Runtime.Persistence.Sqlite.Journal;

/// <summary>
/// The versions SQLite holds for records the journal does not, read by the writer to check a write's ETag on a read
/// connection of its own. Index rows carry no version and are never read here.
/// </summary>
internal sealed class SqliteStoredVersions : SqliteStatements
{
    private readonly SqliteConnection connection;
    private readonly sqlite3_stmt stateVersion;
    private readonly sqlite3_stmt reminderVersion;

    private SqliteStoredVersions(SqliteConnection connection)
        : base(connection)
    {
        this.connection = connection;
        stateVersion = Prepare("""
            SELECT version FROM grain_state WHERE grain_type = ?1 AND grain_key = ?2 AND state_name = ?3
            """);
        reminderVersion = Prepare("""
            SELECT version FROM reminders WHERE grain_type = ?1 AND grain_key = ?2 AND name = ?3
            """);
    }

    /// <summary>Opens a connection of its own with <paramref name="connectionString"/>.</summary>
    public static SqliteStoredVersions Open(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            using (var timeout = connection.CreateCommand())
            {
                timeout.CommandText = "PRAGMA busy_timeout = 30000";
                timeout.ExecuteNonQuery();
            }
            return new SqliteStoredVersions(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>The stored version of a state record; null when there is no row.</summary>
    public long? State(RecordKey key)
    {
        BindKey(stateVersion, key.Type, key.Key, key.Name);
        return ScalarInt64(stateVersion);
    }

    /// <summary>The stored version of a reminder; null when there is no row.</summary>
    public long? Reminder(RecordKey key)
    {
        BindKey(reminderVersion, key.Type, key.Key, key.Name);
        return ScalarInt64(reminderVersion);
    }

    /// <summary>Closes the statements and the connection.</summary>
    public void Close()
    {
        Dispose();
        connection.Dispose();
    }
}
