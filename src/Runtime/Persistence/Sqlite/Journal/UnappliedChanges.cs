namespace MachineGrid.Runtime.Persistence.Sqlite.Journal;

/// <summary>
/// What the journal holds that SQLite does not yet: the active set the writer records into, and at most one frozen set
/// being applied to SQLite. Reads consult the active set, then the frozen one, then SQLite; the frozen set is dropped
/// only once SQLite has it, so every accepted write stays visible. Only the writer records changes (and may read the
/// sets without the lock); readers on other threads take the lock.
/// </summary>
internal sealed class UnappliedChanges
{
    private readonly Lock gate = new();
    private volatile ChangeSet? frozen;

    /// <summary>
    /// The state table of the set applied last, for the next set: a new table of thousands of entries every half second
    /// went to the large object heap, whose allocations bring on full collections.
    /// </summary>
    private Dictionary<RecordKey, StateImage>? spareStates;

    /// <summary>The set the writer records into.</summary>
    public ChangeSet Active { get; private set; } = new();

    /// <summary>The set being applied to SQLite, if any.</summary>
    public ChangeSet? Frozen => frozen;

    /// <summary>Records a state record's new payload (null when cleared) and version (writer only).</summary>
    public void RecordState(RecordKey key, byte[]? data, long version)
    {
        lock (gate)
        {
            Active.PutState(key, data, version);
        }
    }

    /// <summary>Records a reminder row's new image, null when deleted (writer only).</summary>
    public void RecordReminder(RecordKey key, ReminderImage? image)
    {
        lock (gate)
        {
            Active.PutReminder(key, image);
        }
    }

    /// <summary>Records an index row's put (a value) or delete (null), its key given as UTF-8 (writer only).</summary>
    public void RecordIndexRow(string table, ReadOnlySpan<byte> key, byte[]? value)
    {
        lock (gate)
        {
            Active.PutIndexRow(table, key, value);
        }
    }

    /// <summary>Freezes the active set for applying and starts a new one. The writer calls it while no set is frozen.</summary>
    public ChangeSet Freeze()
    {
        lock (gate)
        {
            if (frozen is not null)
            {
                throw new InvalidOperationException("A frozen change set is still being applied.");
            }
            frozen = Active;
            Active = TakeSpareStates() is { } states ? new ChangeSet(states) : new ChangeSet(frozen.States.Count);
            return frozen;
        }
    }

    /// <summary>Drops the frozen set once SQLite holds it.</summary>
    public void Applied(ChangeSet set)
    {
        lock (gate)
        {
            if (ReferenceEquals(frozen, set))
            {
                frozen = null;
                set.Release();
                // Emptied by the writer when it takes it: the writer may still be reading it without the lock.
                spareStates = set.States;
            }
        }
    }

    /// <summary>The spare state table, emptied; the writer calls it, holding the lock, so no reader sees it emptied.</summary>
    private Dictionary<RecordKey, StateImage>? TakeSpareStates()
    {
        var states = spareStates;
        spareStates = null;
        states?.Clear();
        return states;
    }

    /// <summary>The newest unapplied image of a state record (writer: without the lock).</summary>
    public bool TryGetStateForWriter(RecordKey key, out StateImage image) =>
        Active.States.TryGetValue(key, out image) || (frozen?.States.TryGetValue(key, out image) ?? false);

    /// <summary>The newest unapplied image of a reminder row, null when deleted (writer: without the lock).</summary>
    public bool TryGetReminderForWriter(RecordKey key, out ReminderImage? image)
    {
        image = null;
        return Active.Reminders.TryGetValue(key, out image) || (frozen?.Reminders.TryGetValue(key, out image) ?? false);
    }

    /// <summary>A copy of the newest unapplied state of a record: its payload (null when cleared) and version.</summary>
    public bool TryReadState(RecordKey key, out byte[]? data, out long version)
    {
        lock (gate)
        {
            var found = TryGetStateForWriter(key, out var image);
            (data, version) = (image.Data.ToArray(), image.Version);
            return found;
        }
    }

    /// <summary>The unapplied reminder rows <paramref name="include"/> selects, newest image each (null: deleted).</summary>
    public List<KeyValuePair<RecordKey, ReminderImage?>> Reminders(Func<RecordKey, bool> include)
    {
        lock (gate)
        {
            var rows = new Dictionary<RecordKey, ReminderImage?>();
            foreach (var set in Sets())
            {
                foreach (var (key, image) in set.Reminders)
                {
                    if (include(key))
                    {
                        rows.TryAdd(key, image);
                    }
                }
            }
            return [.. rows];
        }
    }

    /// <summary>The unapplied rows of <paramref name="range"/> in <paramref name="table"/>, in key order, newest value each (null: deleted).</summary>
    public List<KeyValuePair<string, byte[]?>> IndexRows(string table, IndexRange range)
    {
        lock (gate)
        {
            var active = RowsIn(Active, table, range);
            var older = frozen is { } set ? RowsIn(set, table, range) : [];
            return older.Count == 0 ? active : Merge(active, older);
        }
    }

    /// <summary>The newest sets first.</summary>
    private IEnumerable<ChangeSet> Sets()
    {
        yield return Active;
        if (frozen is { } set)
        {
            yield return set;
        }
    }

    private static List<KeyValuePair<string, byte[]?>> RowsIn(ChangeSet set, string table, IndexRange range) =>
        set.Tables.TryGetValue(table, out var rows) ? rows.In(range) : [];

    /// <summary>Merges two key-ordered lists; on equal keys the newer one's row wins.</summary>
    private static List<KeyValuePair<string, byte[]?>> Merge(List<KeyValuePair<string, byte[]?>> newer, List<KeyValuePair<string, byte[]?>> older)
    {
        var merged = new List<KeyValuePair<string, byte[]?>>(newer.Count + older.Count);
        int i = 0, j = 0;
        while (i < newer.Count || j < older.Count)
        {
            var order = i == newer.Count ? 1 : j == older.Count ? -1 : IndexKeyOrder.Instance.Compare(newer[i].Key, older[j].Key);
            if (order <= 0)
            {
                merged.Add(newer[i++]);
                j += order == 0 ? 1 : 0;
            }
            else
            {
                merged.Add(older[j++]);
            }
        }
        return merged;
    }
}
