using MachineGrid.Runtime.Persistence.GroupCommit;
using MachineGrid.Runtime.Persistence.Sqlite.Journal;
using MachineGrid.Runtime.Reminders;
using Microsoft.Data.Sqlite;

namespace MachineGrid.Runtime.Persistence.Sqlite;

/// <summary>
/// Reminders in a SQLite file. Writes are journaled with grain state; reads use pooled connections and lay the
/// journal's unapplied reminders over SQLite's.
/// </summary>
internal sealed class SqliteReminderTable(SqliteDatabase database) : IReminderTable
{
    private const string Columns = "SELECT grain_type, grain_key, name, start_at, period, version FROM reminders";
    private const string Order = " ORDER BY grain_type, grain_key, name";

    /// <inheritdoc />
    public async Task<IReadOnlyList<ReminderEntry>> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = Columns + Order;
        var unapplied = database.Unapplied.Reminders(_ => true);
        return Merge(await ReadEntriesAsync(command, cancellationToken).ConfigureAwait(false), unapplied);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ReminderEntry>> ReadGrainAsync(GrainId grainId, CancellationToken cancellationToken = default)
    {
        StorageArguments.ValidateGrain(grainId);
        await using var connection = await database.OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = Columns + " WHERE grain_type = $type AND grain_key = $key" + Order;
        command.Parameters.AddWithValue("$type", grainId.Type);
        command.Parameters.AddWithValue("$key", grainId.Key);
        var unapplied = database.Unapplied.Reminders(key => key.Type == grainId.Type && key.Key == grainId.Key);
        return Merge(await ReadEntriesAsync(command, cancellationToken).ConfigureAwait(false), unapplied);
    }

    /// <inheritdoc />
    public Task<ReminderEntry> UpsertAsync(GrainId grainId, string name, DateTimeOffset startAt, TimeSpan period, CancellationToken cancellationToken = default) =>
        database.UpsertReminderAsync(grainId, name, startAt, period, cancellationToken);

    /// <inheritdoc />
    public Task<bool> RemoveAsync(GrainId grainId, string name, string? etag, CancellationToken cancellationToken = default) =>
        database.RemoveReminderAsync(grainId, name, etag, cancellationToken);

    /// <summary>Lays unapplied reminders (null: deleted) over stored ones, in the stored order (grain type, key, name).</summary>
    private static IReadOnlyList<ReminderEntry> Merge(List<ReminderEntry> stored, List<KeyValuePair<RecordKey, ReminderImage?>> unapplied)
    {
        if (unapplied.Count == 0)
        {
            return stored;
        }
        var entries = stored.ToDictionary(entry => RecordKey.Of(entry.GrainId, entry.Name));
        foreach (var (key, image) in unapplied)
        {
            if (image is null)
            {
                entries.Remove(key);
            }
            else
            {
                entries[key] = new ReminderEntry(
                    key.GrainId, key.Name, new DateTimeOffset(image.StartAtTicks, TimeSpan.Zero), TimeSpan.FromTicks(image.PeriodTicks), StorageVersion.ToETag(image.Version));
            }
        }
        return [.. entries.OrderBy(entry => entry.Key.Type, IndexKeyOrder.Instance)
            .ThenBy(entry => entry.Key.Key, IndexKeyOrder.Instance)
            .ThenBy(entry => entry.Key.Name, IndexKeyOrder.Instance)
            .Select(entry => entry.Value)];
    }

    private static async Task<List<ReminderEntry>> ReadEntriesAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var entries = new List<ReminderEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            entries.Add(new ReminderEntry(
                new GrainId(reader.GetString(0), reader.GetString(1)),
                reader.GetString(2),
                new DateTimeOffset(reader.GetInt64(3), TimeSpan.Zero),
                TimeSpan.FromTicks(reader.GetInt64(4)),
                StorageVersion.ToETag(reader.GetInt64(5))));
        }
        return entries;
    }
}
