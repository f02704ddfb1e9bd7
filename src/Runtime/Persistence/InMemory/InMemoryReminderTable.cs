using MachineGrid.Runtime.Reminders;
using ReminderKey = (string Type, string Key, string Name);
using ReminderRow = (long StartAtTicks, long PeriodTicks, long Version);

namespace MachineGrid.Runtime.Persistence.InMemory;

/// <summary>Reminders kept in process memory, for tests. Thread-safe, with the same ETag rules as the durable providers.</summary>
internal sealed class InMemoryReminderTable : IReminderTable
{
    private readonly Dictionary<ReminderKey, ReminderRow> rows = [];
    private readonly Lock gate = new();

    /// <inheritdoc />
    public Task<IReadOnlyList<ReminderEntry>> ReadAllAsync(CancellationToken cancellationToken = default) => InMemoryTask.Run(() =>
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            return Snapshot(rows);
        }
    });

    /// <inheritdoc />
    public Task<IReadOnlyList<ReminderEntry>> ReadGrainAsync(GrainId grainId, CancellationToken cancellationToken = default) => InMemoryTask.Run(() =>
    {
        StorageArguments.ValidateGrain(grainId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            return Snapshot(rows.Where(row => row.Key.Type == grainId.Type && row.Key.Key == grainId.Key));
        }
    });

    /// <inheritdoc />
    public Task<ReminderEntry> UpsertAsync(GrainId grainId, string name, DateTimeOffset startAt, TimeSpan period, CancellationToken cancellationToken = default) => InMemoryTask.Run(() =>
    {
        StorageArguments.Validate(grainId, name, nameof(name));
        StorageArguments.ValidatePeriod(period);
        cancellationToken.ThrowIfCancellationRequested();
        ReminderKey key = (grainId.Type, grainId.Key, name);
        lock (gate)
        {
            ReminderRow row = (startAt.UtcTicks, period.Ticks, rows.TryGetValue(key, out var old) ? old.Version + 1 : 1);
            rows[key] = row;
            return ToEntry(key, row);
        }
    });

    /// <inheritdoc />
    public Task<bool> RemoveAsync(GrainId grainId, string name, string? etag, CancellationToken cancellationToken = default) => InMemoryTask.Run(() =>
    {
        StorageArguments.Validate(grainId, name, nameof(name));
        cancellationToken.ThrowIfCancellationRequested();
        var expected = StorageVersion.FromETag(etag);
        ReminderKey key = (grainId.Type, grainId.Key, name);
        lock (gate)
        {
            var matches = rows.TryGetValue(key, out var row) && (expected is null || expected == row.Version);
            return matches && rows.Remove(key);
        }
    });

    private static IReadOnlyList<ReminderEntry> Snapshot(IEnumerable<KeyValuePair<ReminderKey, ReminderRow>> selected) => selected
        .OrderBy(row => row.Key.Type, StringComparer.Ordinal)
        .ThenBy(row => row.Key.Key, StringComparer.Ordinal)
        .ThenBy(row => row.Key.Name, StringComparer.Ordinal)
        .Select(row => ToEntry(row.Key, row.Value))
        .ToList();

    private static ReminderEntry ToEntry(ReminderKey key, ReminderRow row) =>
        new(new GrainId(key.Type, key.Key), key.Name, new DateTimeOffset(row.StartAtTicks, TimeSpan.Zero),
            TimeSpan.FromTicks(row.PeriodTicks), StorageVersion.ToETag(row.Version));
}
