using System.Text;

namespace MachineGrid.Runtime.Persistence;

/// <summary>
/// The keys a scan or count reads, as bounds a primary-key range scan can use: from <see cref="Lower"/> (exclusive
/// when <see cref="LowerExclusive"/>) up to, not including, <see cref="Upper"/> (null: no upper bound).
/// Bounds compare in <see cref="IndexKeyOrder"/>.
/// </summary>
internal sealed record IndexRange(string Lower, bool LowerExclusive, string? Upper)
{
    /// <summary>The keys that start with <paramref name="prefix"/>.</summary>
    public static IndexRange ForPrefix(string prefix) => new(prefix, false, UpperBound(prefix));

    /// <summary>The keys that start with <paramref name="prefix"/> and come after <paramref name="after"/> in scan direction.</summary>
    public static IndexRange ForScan(string prefix, string? after, bool descending)
    {
        var range = ForPrefix(prefix);
        if (after is null)
        {
            return range;
        }
        if (descending)
        {
            return range.Upper is null || IndexKeyOrder.Instance.Compare(after, range.Upper) < 0 ? range with { Upper = after } : range;
        }
        return IndexKeyOrder.Instance.Compare(after, prefix) >= 0 ? range with { Lower = after, LowerExclusive = true } : range;
    }

    /// <summary>Whether <paramref name="key"/> lies within the bounds.</summary>
    public bool Contains(string key)
    {
        var fromLower = IndexKeyOrder.Instance.Compare(key, Lower);
        return (fromLower > 0 || (fromLower == 0 && !LowerExclusive)) && (Upper is null || IndexKeyOrder.Instance.Compare(key, Upper) < 0);
    }

    /// <summary>
    /// The least string greater than every string starting with <paramref name="prefix"/>: the prefix with its last code point
    /// incremented, after dropping trailing U+10FFFF. Null when there is none (an empty prefix, or only U+10FFFF).
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
