namespace MachineGrid.Runtime.Persistence.Sqlite.Journal;

/// <summary>The kinds of entry a journal record holds. Stored as one byte: never renumber.</summary>
internal enum JournalEntryKind : byte
{
    /// <summary>A state record's new image: grain type, key, state name, version, payload (or none when cleared).</summary>
    State = 1,

    /// <summary>A reminder row's new image: grain type, key, name, start ticks, period ticks, version.</summary>
    ReminderPut = 2,

    /// <summary>A reminder row deleted: grain type, key, name.</summary>
    ReminderDelete = 3,

    /// <summary>An index row put: table, key, value.</summary>
    IndexPut = 4,

    /// <summary>An index row deleted: table, key.</summary>
    IndexDelete = 5,
}
