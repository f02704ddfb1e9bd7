using System.Text;

namespace MachineGrid.Persistence;

/// <summary>
/// The keys a scan reads, as bounds a primary-key range scan can use: from <see cref="Lower"/> (exclusive when
/// <see cref="LowerExclusive"/>) up to, not including, <see cref="Upper"/> (null: no upper bound). Keys compare by
/// code point, which is the order of SQLite's BINARY collation and of PostgreSQL's "C" collation over UTF-8.
/// </summary>
internal sealed record KeyRange(string Lower, bool LowerExclusive, string? Upper)
{
    public static KeyRange ForScan(string prefix, string? after, bool descending)
    {
        var range = new KeyRange(prefix, false, UpperBound(prefix));
        if (after is null)
        {
            return range;
        }
        if (descending)
        {
            return range.Upper is null || CodePointOrder.Compare(after, range.Upper) < 0 ? range with { Upper = after } : range;
        }
        return CodePointOrder.Compare(after, prefix) >= 0 ? range with { Lower = after, LowerExclusive = true } : range;
    }

    /// <summary>
    /// The least string greater than every string that starts with <paramref name="prefix"/>: the prefix with its last
    /// code point incremented, after dropping trailing U+10FFFF; null when there is none.
    /// </summary>
    public static string? UpperBound(string prefix)
    {
        var end = prefix.Length;
        while (end > 0)
        {
            var width = end >= 2 && char.IsSurrogatePair(prefix[end - 2], prefix[end - 1]) ? 2 : 1;
            var last = Rune.GetRuneAt(prefix, end - width).Value;
            end -= width;
            if (last < 0x10FFFF)
            {
                var next = new Rune(last == 0xD7FF ? 0xE000 : last + 1);
                return string.Concat(prefix.AsSpan(0, end), next.ToString());
            }
        }
        return null;
    }
}

/// <summary>Code-point order of strings: ordinal, except that U+E000..U+FFFF sort before surrogate pairs, as in UTF-8.</summary>
internal static class CodePointOrder
{
    public static readonly IComparer<string> Comparer = Comparer<string>.Create(Compare);

    public static int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }
        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }
        var common = x.AsSpan().CommonPrefixLength(y);
        return common == x.Length || common == y.Length
            ? x.Length.CompareTo(y.Length)
            : Weight(x[common]).CompareTo(Weight(y[common]));
    }

    private static int Weight(char c) => c >= '\uE000' ? c - 0x800 : c >= '\uD800' ? c + 0x2000 : c;
}
