namespace MachineGrid.Runtime.Persistence;

/// <summary>
/// The order of index keys: by Unicode code point, which is the UTF-8 byte order SQLite (BINARY) and PostgreSQL
/// (COLLATE "C") sort by. It equals <see cref="StringComparer.Ordinal"/> except that characters U+E000 to U+FFFF
/// sort before characters outside the Basic Multilingual Plane (surrogate pairs), as they do in UTF-8.
/// </summary>
internal sealed class IndexKeyOrder : IComparer<string>
{
    /// <summary>The shared instance.</summary>
    public static IndexKeyOrder Instance { get; } = new();

    /// <inheritdoc />
    public int Compare(string? x, string? y)
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

    /// <summary>Moves surrogates above U+E000..U+FFFF, so code units compare like the code points they encode.</summary>
    private static int Weight(char c) => c >= '\uE000' ? c - 0x800 : c >= '\uD800' ? c + 0x2000 : c;
}
