using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace MachineGrid.Runtime.Persistence.Sqlite;

/// <summary>Counts the pages a connection writes to the write-ahead log, for the <see cref="WalBacklog"/>.</summary>
internal static class SqliteFrames
{
    /// <summary>The pages <paramref name="connection"/> wrote to the log since the last call.</summary>
    public static long TakeWritten(SqliteConnection connection) =>
        raw.sqlite3_db_status(connection.Handle, raw.SQLITE_DBSTATUS_CACHE_WRITE, out var written, out _, 1) == raw.SQLITE_OK ? written : 0;
}
