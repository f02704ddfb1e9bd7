using System.Text;

namespace MachineGrid.Runtime.Persistence.Sqlite.Journal;

/// <summary>
/// The unapplied rows of one index table in key order (<see cref="IndexKeyOrder"/>, which is the UTF-8 byte order);
/// no payload is a deleted row. A set lives about a second, long enough for the garbage collector to copy whatever it
/// references into older generations, so keys are kept as UTF-8 in the set's <see cref="ChangeArena"/> beside the
/// values, in sorted pages of entries held by value: a row is no object of its own, and a page holds many. Pages take
/// their entry arrays from a pool and give them back when the set is applied, so those are not promoted either.
/// </summary>
internal sealed class PendingRows(ChangeArena arena)
{
    private const int PageCapacity = 128;
    private const int PooledPages = 4096;
    private static readonly Stack<Entry[]> Pool = new();
    private readonly List<Page> pages = [new Page()];

    /// <summary>Number of rows held.</summary>
    public int Count { get; private set; }

    /// <summary>Puts the row's newest value under its key, given as UTF-8; returns whether the key is new to this set.</summary>
    public bool Put(ReadOnlySpan<byte> utf8, Payload value)
    {
        var index = PageOf(utf8);
        var page = pages[index];
        var slot = page.Find(utf8);
        if (slot >= 0)
        {
            page.Entries[slot].Value = value;
            return false;
        }
        var position = ~slot;
        if (page.Count == PageCapacity)
        {
            var right = page.Split();
            pages.Insert(index + 1, right);
            if (position > page.Count)
            {
                position -= page.Count;
                page = right;
            }
        }
        page.Insert(position, new Entry(arena.Store(utf8), value));
        Count++;
        return true;
    }

    /// <summary>Copies of the rows within <paramref name="range"/>, in key order.</summary>
    public List<KeyValuePair<string, byte[]?>> In(IndexRange range)
    {
        var within = new List<KeyValuePair<string, byte[]?>>();
        var lower = Encoding.UTF8.GetBytes(range.Lower);
        var upper = range.Upper is null ? null : Encoding.UTF8.GetBytes(range.Upper);
        var index = PageOf(lower);
        var slot = pages[index].Find(lower);
        var position = slot >= 0 ? slot + (range.LowerExclusive ? 1 : 0) : ~slot;
        for (; index < pages.Count; index++, position = 0)
        {
            var page = pages[index];
            for (; position < page.Count; position++)
            {
                var entry = page.Entries[position];
                if (upper is not null && entry.Key.Span.SequenceCompareTo(upper) >= 0)
                {
                    return within;
                }
                within.Add(new(Encoding.UTF8.GetString(entry.Key.Span), entry.Value.ToArray()));
            }
        }
        return within;
    }

    /// <summary>Every row, in key order: its key as UTF-8 and its value.</summary>
    public IEnumerable<(Payload Key, Payload Value)> All()
    {
        foreach (var page in pages)
        {
            for (var i = 0; i < page.Count; i++)
            {
                yield return (page.Entries[i].Key, page.Entries[i].Value);
            }
        }
    }

    /// <summary>Gives the pages back to the pool. No row may be read afterwards.</summary>
    public void Release()
    {
        lock (Pool)
        {
            foreach (var page in pages)
            {
                page.Clear();
                if (Pool.Count < PooledPages)
                {
                    Pool.Push(page.Entries);
                }
            }
        }
        pages.Clear();
        Count = 0;
    }

    /// <summary>The page that holds <paramref name="key"/> or would: the last whose first key is not above it (the first page when none).</summary>
    private int PageOf(ReadOnlySpan<byte> key)
    {
        int low = 1, high = pages.Count - 1, found = 0;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            if (pages[middle].Entries[0].Key.Span.SequenceCompareTo(key) <= 0)
            {
                found = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }
        return found;
    }

    private record struct Entry(Payload Key, Payload Value);

    /// <summary>Up to <see cref="PageCapacity"/> entries in key order.</summary>
    private sealed class Page
    {
        public Entry[] Entries { get; } = Rent();

        public int Count { get; private set; }

        /// <summary>The entry's index, or the bitwise complement of where it would go.</summary>
        public int Find(ReadOnlySpan<byte> key)
        {
            int low = 0, high = Count - 1;
            while (low <= high)
            {
                var middle = (low + high) >>> 1;
                var order = Entries[middle].Key.Span.SequenceCompareTo(key);
                if (order == 0)
                {
                    return middle;
                }
                if (order < 0)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle - 1;
                }
            }
            return ~low;
        }

        public void Insert(int position, Entry entry)
        {
            Array.Copy(Entries, position, Entries, position + 1, Count - position);
            Entries[position] = entry;
            Count++;
        }

        public void Clear()
        {
            Array.Clear(Entries, 0, Count);
            Count = 0;
        }

        /// <summary>Moves the upper half of a full page to a new page, returned.</summary>
        public Page Split()
        {
            var right = new Page();
            var half = Count / 2;
            Array.Copy(Entries, half, right.Entries, 0, Count - half);
            Array.Clear(Entries, half, Count - half);
            right.Count = Count - half;
            Count = half;
            return right;
        }

        private static Entry[] Rent()
        {
            lock (Pool)
            {
                return Pool.TryPop(out var entries) ? entries : new Entry[PageCapacity];
            }
        }
    }
}
