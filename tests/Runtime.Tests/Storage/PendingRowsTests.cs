using System.Text;
using MachineGrid.Runtime.Persistence;
using MachineGrid.Runtime.Persistence.Sqlite.Journal;
using Xunit;

namespace MachineGrid.Runtime.Tests.Storage;

/// <summary>The journal's unapplied rows of a table: sorted pages of UTF-8 keys, against a sorted dictionary of strings.</summary>
public sealed class PendingRowsTests
{
    // ASCII, a character above U+E000 and one outside the Basic Multilingual Plane, whose UTF-16 order differs.
    private static readonly string[] Parts = ["a", "b", "m/", "z", "\uE000", "\U0001F600", "é"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Puts_and_range_reads_agree_with_a_sorted_dictionary_across_many_pages(int seed)
    {
        var random = new Random(seed);
        var arena = new ChangeArena();
        var rows = new PendingRows(arena);
        var expected = new SortedDictionary<string, byte[]?>(IndexKeyOrder.Instance);
        for (var step = 0; step < 5_000; step++)
        {
            var key = RandomKey(random);
            byte[]? value = random.Next(4) == 0 ? null : Encoding.UTF8.GetBytes($"v{step}");
            var isNew = !expected.ContainsKey(key);
            expected[key] = value;

            Assert.Equal(isNew, rows.Put(Encoding.UTF8.GetBytes(key), arena.Store(value)));
            if (step % 97 == 0)
            {
                var range = IndexRange.ForScan(Parts[random.Next(Parts.Length)], random.Next(2) == 0 ? null : RandomKey(random), descending: false);
                AssertSame(expected.Where(row => range.Contains(row.Key)), rows.In(range));
            }
        }

        Assert.Equal(expected.Count, rows.Count);
        AssertSame(expected, rows.All().Select(row => new KeyValuePair<string, byte[]?>(Encoding.UTF8.GetString(row.Key.Span), row.Value.ToArray())));
        AssertSame(expected, rows.In(IndexRange.ForPrefix("")));
        rows.Release();
        arena.Release();

        // The next set takes the released pages from the pool and finds none of the old rows in them.
        var nextArena = new ChangeArena();
        var next = new PendingRows(nextArena);
        Assert.True(next.Put("b"u8, nextArena.Store([2])));
        Assert.True(next.Put("a"u8, nextArena.Store([1])));
        Assert.Equal(["a", "b"], next.In(IndexRange.ForPrefix("")).Select(row => row.Key));
        next.Release();
        nextArena.Release();
    }

    [Fact]
    public void A_read_from_an_exclusive_lower_bound_starts_after_it_and_stops_before_the_upper_bound()
    {
        var arena = new ChangeArena();
        var rows = new PendingRows(arena);
        foreach (var key in new[] { "t/3", "t/1", "s/9", "t/2", "u/0" })
        {
            rows.Put(Encoding.UTF8.GetBytes(key), arena.Store([1]));
        }

        Assert.Equal(["t/2", "t/3"], rows.In(IndexRange.ForScan("t/", "t/1", descending: false)).Select(row => row.Key));
        Assert.Equal(["t/1", "t/2"], rows.In(IndexRange.ForScan("t/", "t/3", descending: true)).Select(row => row.Key));
        Assert.Empty(rows.In(IndexRange.ForScan("t/", "t/3", descending: false)));
        Assert.Empty(new PendingRows(arena).In(IndexRange.ForPrefix("t/")));
        arena.Release();
    }

    private static string RandomKey(Random random) =>
        string.Concat(Enumerable.Range(0, random.Next(1, 5)).Select(_ => Parts[random.Next(Parts.Length)]));

    private static void AssertSame(IEnumerable<KeyValuePair<string, byte[]?>> expected, IEnumerable<KeyValuePair<string, byte[]?>> actual) =>
        Assert.Equal(expected.Select(row => (row.Key, Value: row.Value is null ? null : Convert.ToHexString(row.Value))),
            actual.Select(row => (row.Key, Value: row.Value is null ? null : Convert.ToHexString(row.Value))));
}
