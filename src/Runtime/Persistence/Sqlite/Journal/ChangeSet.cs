using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MachineGrid.Runtime.Persistence.Sqlite.Journal;

/// <summary>
/// The newest image of every record and index row written during one stretch of the journal, not yet in SQLite. A
/// later write of the same record replaces the earlier one, so rows put and deleted within the stretch reach SQLite as
/// one delete. A deleted reminder or index row is kept as a null image, since SQLite may still hold the row.
/// </summary>
internal sealed class ChangeSet
{
    private readonly Dictionary<string, PendingRows> tables = new(StringComparer.Ordinal);

    /// <summary>When the first change was recorded (<see cref="Stopwatch"/> timestamp), or 0 while empty.</summary>
    public long FirstChangeAt { get; private set; }

    /// <summary>Number of records and rows held.</summary>
    public int Count { get; private set; }

    /// <summary>An empty set; <paramref name="expectedStates"/> sizes its state table, so it does not grow by copying.</summary>
    public ChangeSet(int expectedStates = 0)
        : this(new Dictionary<RecordKey, StateImage>(expectedStates))
    {
    }

    /// <summary>An empty set whose state table is <paramref name="states"/>, an empty table kept from a set applied before.</summary>
    public ChangeSet(Dictionary<RecordKey, StateImage> states)
    {
        Debug.Assert(states.Count == 0, "A state table is reused only once emptied.");
        States = states;
    }

    /// <summary>State records by key.</summary>
    public Dictionary<RecordKey, StateImage> States { get; }

    /// <summary>Reminder rows by key; null for a deleted one.</summary>
    public Dictionary<RecordKey, ReminderImage?> Reminders { get; } = [];

    /// <summary>Index rows by table, in key order; a null value for a deleted row.</summary>
    public IReadOnlyDictionary<string, PendingRows> Tables => tables;

    /// <summary>The chunks that hold this set's payloads and index keys.</summary>
    public ChangeArena Arena { get; } = new();

    /// <summary>Gives the set's chunks and pages back to their pools once SQLite holds it. No image may be read afterwards.</summary>
    public void Release()
    {
        foreach (var rows in tables.Values)
        {
            rows.Release();
        }
        Arena.Release();
    }

    /// <summary>Records the newest image of a state record: its payload (null when cleared) and version.</summary>
    public void PutState(RecordKey key, byte[]? data, long version) => Put(States, key, new StateImage(Arena.Store(data), version));

    /// <summary>Records the newest image of a reminder row; null deletes it.</summary>
    public void PutReminder(RecordKey key, ReminderImage? image) => Put(Reminders, key, image);

    /// <summary>Records the newest value of an index row, its key given as UTF-8; null deletes it.</summary>
    public void PutIndexRow(string table, ReadOnlySpan<byte> key, byte[]? value)
    {
        if (!tables.TryGetValue(table, out var rows))
        {
            rows = new PendingRows(Arena);
            tables.Add(table, rows);
        }
        Started();
        if (rows.Put(key, Arena.Store(value)))
        {
            Count++;
        }
    }

    private void Put<TImage>(Dictionary<RecordKey, TImage> records, RecordKey key, TImage image)
    {
        Started();
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(records, key, out var existed);
        slot = image;
        if (!existed)
        {
            Count++;
        }
    }

    private void Started()
    {
        if (FirstChangeAt == 0)
        {
            FirstChangeAt = Stopwatch.GetTimestamp();
        }
    }
}
