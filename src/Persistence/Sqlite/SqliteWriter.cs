using MachineGrid.Persistence.Writes;
using Microsoft.Data.Sqlite;

namespace MachineGrid.Persistence.Sqlite;

/// <summary>The writer connection and its prepared statements; applies one batch per transaction.</summary>
internal sealed class SqliteWriter : IDisposable
{
    private readonly SqliteConnection connection;
    private readonly SqliteCommand insertState;
    private readonly SqliteCommand updateState;
    private readonly SqliteCommand putRow;
    private readonly SqliteCommand deleteRow;

    public SqliteWriter(SqliteConnection connection)
    {
        this.connection = connection;
        insertState = Command("INSERT INTO grain_state (grain_id, state_name, version, state) VALUES ($id, $name, 1, $state) ON CONFLICT DO NOTHING", "$id", "$name", "$state");
        updateState = Command("""
            UPDATE grain_state SET state = $state, version = version + 1, written_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
            WHERE grain_id = $id AND state_name = $name AND version = $version
            """, "$id", "$name", "$state", "$version");
        putRow = Command("INSERT INTO read_model (table_name, row_key, value) VALUES ($table, $key, $value) ON CONFLICT DO UPDATE SET value = excluded.value", "$table", "$key", "$value");
        deleteRow = Command("DELETE FROM read_model WHERE table_name = $table AND row_key = $key", "$table", "$key");
    }

    public void Commit(IReadOnlyList<PendingWrite> batch)
    {
        SqliteDatabase.Execute(connection, "BEGIN IMMEDIATE");
        try
        {
            var rows = new List<RowChange>();
            foreach (var write in batch)
            {
                switch (write)
                {
                    case PendingStateWrite state:
                        var applied = Apply(state) == 1;
                        state.RecordOutcome(applied);
                        if (applied)
                        {
                            rows.AddRange(state.Rows);
                        }
                        break;
                    case PendingRowsWrite standalone:
                        rows.AddRange(standalone.Rows);
                        break;
                }
            }
            foreach (var row in RowChanges.LastPerRow(rows))
            {
                Apply(row);
            }
            SqliteDatabase.Execute(connection, "COMMIT");
        }
        catch
        {
            if (!connection.State.HasFlag(System.Data.ConnectionState.Broken))
            {
                try
                {
                    SqliteDatabase.Execute(connection, "ROLLBACK");
                }
                catch (SqliteException)
                {
                }
            }
            throw;
        }
    }

    public void Dispose()
    {
        insertState.Dispose();
        updateState.Dispose();
        putRow.Dispose();
        deleteRow.Dispose();
        connection.Dispose();
    }

    private int Apply(PendingStateWrite write)
    {
        var command = write.ExpectedVersion is null ? insertState : updateState;
        command.Parameters[0].Value = write.GrainId;
        command.Parameters[1].Value = write.StateName;
        command.Parameters[2].Value = (object?)write.Json ?? DBNull.Value;
        if (write.ExpectedVersion is { } version)
        {
            command.Parameters[3].Value = version;
        }
        return command.ExecuteNonQuery();
    }

    private void Apply(RowChange row)
    {
        var command = row.Value is null ? deleteRow : putRow;
        command.Parameters[0].Value = row.Table;
        command.Parameters[1].Value = row.Key;
        if (row.Value is { } value)
        {
            command.Parameters[2].Value = value;
        }
        command.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }
        return command;
    }
}
