using System.Text;

namespace MachineGrid.Runtime.Persistence;

/// <summary>
/// Argument checks of <see cref="IIndexStore"/>, shared by every provider so all reject the same input the same way.
/// Table names, keys, prefixes and bounds must be well-formed UTF-16 without NUL characters (PostgreSQL stores no NUL).
/// Key sizes are bounded in characters and in UTF-8 bytes, so every row fits one PostgreSQL B-tree entry (2,704 bytes).
/// </summary>
internal static class IndexArguments
{
    /// <summary>Most characters in a table name.</summary>
    public const int MaxTableLength = 64;

    /// <summary>Most characters (UTF-16 code units) in a key.</summary>
    public const int MaxKeyLength = 1024;

    /// <summary>Most bytes of a key encoded as UTF-8; only keys of mostly non-Latin characters come near it.</summary>
    public const int MaxKeyBytes = 2048;

    /// <summary>Most rows one scan returns.</summary>
    public const int MaxScanLimit = 10_000;

    /// <summary>Checks every change and returns a copy of the list, so later changes to the caller's list are not seen.</summary>
    public static IndexChange[] ValidateChanges(IReadOnlyList<IndexChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var copy = new IndexChange[changes.Count];
        for (var i = 0; i < copy.Length; i++)
        {
            var change = changes[i] ?? throw new ArgumentException($"Change {i} is null.", nameof(changes));
            CheckText(change.Table, new What("the table name", i), 1, MaxTableLength, int.MaxValue, nameof(changes));
            CheckText(change.Key, new What("the key", i), 1, MaxKeyLength, MaxKeyBytes, nameof(changes));
            copy[i] = change;
        }
        return copy;
    }

    /// <summary>Checks the arguments of <see cref="IIndexStore.ScanAsync"/>.</summary>
    public static void ValidateScan(string table, string prefix, string? after, int limit)
    {
        ValidateCount(table, prefix);
        if (after is not null)
        {
            CheckText(after, new What("The key to start after"), 0, int.MaxValue, int.MaxValue, nameof(after));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxScanLimit);
    }

    /// <summary>Checks the arguments of <see cref="IIndexStore.CountAsync"/>.</summary>
    public static void ValidateCount(string table, string prefix)
    {
        CheckText(table, new What("The table name"), 1, MaxTableLength, int.MaxValue, nameof(table));
        CheckText(prefix, new What("The prefix"), 0, int.MaxValue, int.MaxValue, nameof(prefix));
    }

    private static void CheckText(string? value, What what, int minLength, int maxLength, int maxBytes, string parameterName)
    {
        if (value is null)
        {
            throw new ArgumentNullException(parameterName, $"{what} is null.");
        }
        if (value.Length < minLength || value.Length > maxLength)
        {
            throw new ArgumentException($"{what} has {value.Length} characters; it must have {minLength} to {maxLength}.", parameterName);
        }
        var bytes = Utf8Length(value, what, parameterName);
        if (bytes > maxBytes)
        {
            throw new ArgumentException($"{what} is {bytes} bytes in UTF-8; at most {maxBytes} are allowed.", parameterName);
        }
    }

    private static long Utf8Length(string value, What what, string parameterName)
    {
        if (value.Contains('\0'))
        {
            throw new ArgumentException($"{what} contains a NUL character.", parameterName);
        }
        var text = value.AsSpan();
        if (!text.ContainsAnyInRange('\uD800', '\uDFFF'))
        {
            return Encoding.UTF8.GetByteCount(text);
        }
        long bytes = 0;
        while (!text.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(text, out var rune, out var used) != System.Buffers.OperationStatus.Done)
            {
                throw new ArgumentException($"{what} contains an unpaired surrogate; it is not well-formed UTF-16.", parameterName);
            }
            bytes += rune.Utf8SequenceLength;
            text = text[used..];
        }
        return bytes;
    }

    /// <summary>Names the checked text in error messages; formatted only when a check fails, since every write is checked.</summary>
    private readonly record struct What(string Label, int? Change = null)
    {
        public override string ToString() => Change is { } i ? $"Change {i}: {Label}" : Label;
    }
}
