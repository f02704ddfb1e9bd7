using System.Data.Common;
using System.Globalization;
using MachineGrid.Persistence.Diagnostics;
using MachineGrid.Persistence.Postgres;

namespace MachineGrid.Persistence.Reminders;

/// <summary>
/// Orleans' reminder table on the store's database. Every write is one statement in its own transaction; reads take
/// a connection of their own. The ETag is the row's version, which each upsert raises (see <see cref="NextStamp"/>).
/// Start times are kept to the microsecond, periods to the millisecond.
/// </summary>
internal sealed class SqlReminderTable(MachineGridStore store) : IReminderTable
{
    private const string Columns = "grain_id, reminder_name, start_at, period_ms, version";

    // ISO 8601 in UTC with a fixed width, so the SQLite text sorts as the time does and reads well in sqlite3.
    private const string SqliteTimeFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    private static long lastStamp;

    private readonly StorageDatabase database = store.Database;
    private readonly bool postgres = store.Database is PostgresDatabase;

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await database.EnsureSchemaAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            throw Failure(ex, "the start of the reminder table");
        }
    }

    public Task<ReminderTableData> ReadRows(GrainId grainId) => ReadAsync(
        $"SELECT {Columns} FROM reminders WHERE grain_id = $1",
        [grainId.ToString()],
        $"the read of the reminders of grain {grainId}");

    public Task<ReminderTableData> ReadRows(uint begin, uint end) => ReadAsync(
        begin < end
            ? $"SELECT {Columns} FROM reminders WHERE grain_hash > $1 AND grain_hash <= $2"
            : $"SELECT {Columns} FROM reminders WHERE grain_hash > $1 OR grain_hash <= $2",
        [(long)begin, (long)end],
        $"the read of the reminders in hash range ({begin}, {end}]");

    public async Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName)
    {
        var rows = await ReadAsync(
            $"SELECT {Columns} FROM reminders WHERE grain_id = $1 AND reminder_name = $2",
            [grainId.ToString(), reminderName],
            $"the read of reminder '{reminderName}' of grain {grainId}").ConfigureAwait(false);
        return rows.Reminders.Count > 0 ? rows.Reminders[0] : null;
    }

    public async Task<string?> UpsertRow(ReminderEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(entry.ReminderName);
        var raise = postgres ? "greatest" : "max";
        var sql = $"""
            INSERT INTO reminders (grain_id, reminder_name, grain_hash, start_at, period_ms, version)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (grain_id, reminder_name) DO UPDATE SET
                grain_hash = excluded.grain_hash,
                start_at = excluded.start_at,
                period_ms = excluded.period_ms,
                version = {raise}(reminders.version + 1, excluded.version)
            RETURNING version
            """;
        object[] arguments =
        [
            entry.GrainId.ToString(),
            entry.ReminderName,
            (long)entry.GrainId.GetUniformHashCode(),
            ToStored(entry.StartAt),
            ToPeriodMilliseconds(entry.Period),
            NextStamp(),
        ];
        var operation = $"the write of reminder '{entry.ReminderName}' of grain {entry.GrainId}";
        try
        {
            await using var connection = await database.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
            await using var command = Command(connection, sql, arguments);
            var version = Convert.ToInt64(await command.ExecuteScalarAsync().ConfigureAwait(false), CultureInfo.InvariantCulture);
            return ToETag(version);
        }
        catch (Exception ex)
        {
            throw Failure(ex, operation);
        }
    }

    public async Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag)
    {
        if (!long.TryParse(eTag, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return false;
        }
        try
        {
            await using var connection = await database.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
            await using var command = Command(
                connection,
                "DELETE FROM reminders WHERE grain_id = $1 AND reminder_name = $2 AND version = $3",
                [grainId.ToString(), reminderName, version]);
            return await command.ExecuteNonQueryAsync().ConfigureAwait(false) == 1;
        }
        catch (Exception ex)
        {
            throw Failure(ex, $"the removal of reminder '{reminderName}' of grain {grainId}");
        }
    }

    public async Task TestOnlyClearTable()
    {
        try
        {
            await using var connection = await database.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
            await using var command = Command(connection, "DELETE FROM reminders", []);
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            throw Failure(ex, "the clearing of the reminder table");
        }
    }

    /// <summary>
    /// The version an upsert offers: later than any this process offered before and not before the clock's ticks.
    /// The database keeps the greater of it and the stored version plus one, so a row's version rises on every
    /// upsert, and a row removed and written again does not come back under an ETag it had before.
    /// </summary>
    private static long NextStamp()
    {
        var now = DateTime.UtcNow.Ticks;
        while (true)
        {
            var last = Volatile.Read(ref lastStamp);
            var next = Math.Max(last + 1, now);
            if (Interlocked.CompareExchange(ref lastStamp, next, last) == last)
            {
                return next;
            }
        }
    }

    private static string ToETag(long version) => version.ToString(CultureInfo.InvariantCulture);

    /// <summary>The start time in UTC, cut to the microsecond: what PostgreSQL's timestamptz holds, and SQLite's text the same.</summary>
    private object ToStored(DateTime startAt)
    {
        var utc = startAt.Kind switch
        {
            DateTimeKind.Local => startAt.ToUniversalTime(),
            _ => DateTime.SpecifyKind(startAt, DateTimeKind.Utc),
        };
        utc = new DateTime(utc.Ticks - (utc.Ticks % 10), DateTimeKind.Utc);
        return postgres ? utc : utc.ToString(SqliteTimeFormat, CultureInfo.InvariantCulture);
    }

    /// <summary>Whole milliseconds, rounded up so that a positive period never becomes zero.</summary>
    private static long ToPeriodMilliseconds(TimeSpan period)
    {
        var milliseconds = period.Ticks / TimeSpan.TicksPerMillisecond;
        return period.Ticks % TimeSpan.TicksPerMillisecond > 0 ? milliseconds + 1 : milliseconds;
    }

    private static TimeSpan FromPeriodMilliseconds(long milliseconds) =>
        milliseconds > TimeSpan.MaxValue.Ticks / TimeSpan.TicksPerMillisecond ? TimeSpan.MaxValue
        : milliseconds < TimeSpan.MinValue.Ticks / TimeSpan.TicksPerMillisecond ? TimeSpan.MinValue
        : TimeSpan.FromTicks(milliseconds * TimeSpan.TicksPerMillisecond);

    private async Task<ReminderTableData> ReadAsync(string sql, object[] arguments, string operation)
    {
        try
        {
            await using var connection = await database.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
            await using var command = Command(connection, sql, arguments);
            await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
            var entries = new List<ReminderEntry>();
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                entries.Add(new ReminderEntry
                {
                    GrainId = GrainId.Parse(reader.GetString(0), CultureInfo.InvariantCulture),
                    ReminderName = reader.GetString(1),
                    StartAt = postgres
                        ? DateTime.SpecifyKind(reader.GetFieldValue<DateTime>(2), DateTimeKind.Utc)
                        : DateTime.Parse(reader.GetString(2), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
                    Period = FromPeriodMilliseconds(reader.GetInt64(3)),
                    ETag = ToETag(reader.GetInt64(4)),
                });
            }
            return new ReminderTableData(entries);
        }
        catch (Exception ex)
        {
            throw Failure(ex, operation);
        }
    }

    /// <summary>
    /// A command with its arguments bound to <c>$1</c>, <c>$2</c>, …: positional parameters in Npgsql, and in SQLite
    /// named parameters whose names are those placeholders.
    /// </summary>
    private DbCommand Command(DbConnection connection, string sql, object[] arguments)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < arguments.Length; i++)
        {
            var parameter = command.CreateParameter();
            if (!postgres)
            {
                parameter.ParameterName = string.Create(CultureInfo.InvariantCulture, $"${i + 1}");
            }
            parameter.Value = arguments[i];
            command.Parameters.Add(parameter);
        }
        return command;
    }

    private Exception Failure(Exception exception, string operation)
    {
        var wrapped = StorageFailures.Wrap(exception, database.Kind, operation);
        if (ReferenceEquals(wrapped, exception))
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(exception);
        }
        return wrapped;
    }
}
