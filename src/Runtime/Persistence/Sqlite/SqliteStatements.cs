using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace MachineGrid.Runtime.Persistence.Sqlite;

/// <summary>
/// Prepared statements on one connection, driven through SQLite's own API (bind by position, step, reset): the
/// ADO.NET command layer costs several times what SQLite itself does per row, and these run for every row stored.
/// </summary>
internal abstract class SqliteStatements : IDisposable
{
    private readonly List<sqlite3_stmt> prepared = [];

    /// <summary>Prepares statements on <paramref name="connection"/>, which must stay open while they are used.</summary>
    protected SqliteStatements(SqliteConnection connection) => Db = connection.Handle!;

    /// <summary>The connection's handle.</summary>
    protected sqlite3 Db { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var statement in prepared)
        {
            statement.Dispose();
        }
    }

    /// <summary>Prepares <paramref name="sql"/>; it is disposed with this object.</summary>
    protected sqlite3_stmt Prepare(string sql)
    {
        Check(raw.sqlite3_prepare_v2(Db, sql, out var statement));
        prepared.Add(statement);
        return statement;
    }

    /// <summary>Binds a grain's type and key and a record name to parameters 1 to 3.</summary>
    protected void BindKey(sqlite3_stmt statement, string type, string key, string name)
    {
        BindText(statement, 1, type);
        BindText(statement, 2, key);
        BindText(statement, 3, name);
    }

    /// <summary>Binds UTF-8 text.</summary>
    protected void BindText(sqlite3_stmt statement, int index, string value)
    {
        var length = Encoding.UTF8.GetMaxByteCount(value.Length);
        Span<byte> utf8 = length <= 512 ? stackalloc byte[length] : new byte[length];
        BindText(statement, index, utf8[..Encoding.UTF8.GetBytes(value, utf8)]);
    }

    /// <summary>Binds text already encoded as UTF-8.</summary>
    protected void BindText(sqlite3_stmt statement, int index, ReadOnlySpan<byte> utf8) => Check(raw.sqlite3_bind_text(statement, index, utf8));

    /// <summary>Binds a 64-bit integer.</summary>
    protected void BindInt64(sqlite3_stmt statement, int index, long value) => Check(raw.sqlite3_bind_int64(statement, index, value));

    /// <summary>Binds a blob, or NULL for none.</summary>
    protected void BindBlob(sqlite3_stmt statement, int index, Journal.Payload value) =>
        Check(value.IsNone ? raw.sqlite3_bind_null(statement, index) : raw.sqlite3_bind_blob(statement, index, value.Span));

    /// <summary>Runs a statement that returns no rows; returns the rows it changed.</summary>
    protected int Execute(sqlite3_stmt statement)
    {
        try
        {
            var result = raw.sqlite3_step(statement);
            if (result != raw.SQLITE_DONE)
            {
                throw Error(result);
            }
            return raw.sqlite3_changes(Db);
        }
        finally
        {
            raw.sqlite3_reset(statement);
        }
    }

    /// <summary>Runs a statement that returns at most one row of one integer column.</summary>
    protected long? ScalarInt64(sqlite3_stmt statement)
    {
        try
        {
            var result = raw.sqlite3_step(statement);
            return result switch
            {
                raw.SQLITE_ROW => raw.sqlite3_column_int64(statement, 0),
                raw.SQLITE_DONE => null,
                _ => throw Error(result),
            };
        }
        finally
        {
            raw.sqlite3_reset(statement);
        }
    }

    private void Check(int result)
    {
        if (result != raw.SQLITE_OK)
        {
            throw Error(result);
        }
    }

    private SqliteException Error(int result) => new(raw.sqlite3_errmsg(Db).utf8_to_string(), result);
}
