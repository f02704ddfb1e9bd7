using System.Text;

namespace MachineGrid.Persistence;

/// <summary>
/// Checks of read-model tables, keys and scans, the same on both databases. Text must be well-formed UTF-16 without
/// NUL (PostgreSQL stores no NUL); a key fits one B-tree entry of PostgreSQL (2,704 bytes) with room to spare.
/// </summary>
internal static class RowArguments
{
    public const int MaxTableLength = 64;
    public const int MaxKeyLength = 1024;
    public const int MaxKeyBytes = 2048;
    public const int MaxScanLimit = 10_000;

    public static RowChange[] CheckChanges(IReadOnlyList<RowChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var copy = new RowChange[changes.Count];
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = CheckChange(changes[i], i);
        }
        return copy;
    }

    public static RowChange CheckChange(RowChange? change, int index)
    {
        if (change is null)
        {
            throw new ArgumentException($"Row change {index} is null.", nameof(change));
        }
        CheckText(change.Table, $"Row change {index}: the table name", 1, MaxTableLength, nameof(change));
        CheckText(change.Key, $"Row change {index}: the key", 1, MaxKeyLength, nameof(change));
        return change;
    }

    public static void CheckScan(string table, string prefix, string? after, int limit)
    {
        CheckText(table, "The table name", 1, MaxTableLength, nameof(table));
        CheckText(prefix, "The prefix", 0, MaxKeyLength, nameof(prefix));
        if (after is not null)
        {
            CheckText(after, "The key to start after", 0, MaxKeyLength, nameof(after));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxScanLimit);
    }

    private static void CheckText(string? value, string what, int minLength, int maxLength, string parameter)
    {
        if (value is null)
        {
            throw new ArgumentNullException(parameter, $"{what} is null.");
        }
        if (value.Length < minLength || value.Length > maxLength)
        {
            throw new ArgumentException($"{what} has {value.Length} characters; it must have {minLength} to {maxLength}.", parameter);
        }
        if (value.Contains('\0'))
        {
            throw new ArgumentException($"{what} contains a NUL character.", parameter);
        }
        if (Encoding.UTF8.GetByteCount(value) > MaxKeyBytes || value.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF') && !IsWellFormed(value))
        {
            throw new ArgumentException($"{what} is not well-formed UTF-16 or is over {MaxKeyBytes} bytes in UTF-8.", parameter);
        }
    }

    private static bool IsWellFormed(string value)
    {
        var text = value.AsSpan();
        while (!text.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(text, out _, out var used) != System.Buffers.OperationStatus.Done)
            {
                return false;
            }
            text = text[used..];
        }
        return true;
    }
}
