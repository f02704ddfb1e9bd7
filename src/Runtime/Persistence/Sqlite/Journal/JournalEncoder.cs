using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace MachineGrid.Runtime.Persistence.Sqlite.Journal;

/// <summary>
/// Builds one journal record, the images a batch left, in a pooled buffer. A record is its body's length (4 bytes), its
/// <see cref="JournalChecksum"/> (8 bytes) and the body: entries of a <see cref="JournalEntryKind"/> byte and their
/// fields, strings as UTF-8 and byte arrays each after a 4-byte length (-1 for none), numbers little-endian.
/// </summary>
internal sealed class JournalEncoder
{
    /// <summary>Bytes before the body: its length and checksum.</summary>
    public const int HeaderLength = 12;

    private byte[] buffer = [];
    private int length = HeaderLength;

    /// <summary>Whether no entry was added.</summary>
    public bool IsEmpty => length == HeaderLength;

    /// <summary>Adds a state record's new payload (null when cleared) and version.</summary>
    public void State(RecordKey key, byte[]? data, long version)
    {
        Kind(JournalEntryKind.State);
        Key(key);
        Int64(version);
        Bytes(data);
    }

    /// <summary>Adds a reminder row's image; null when deleted.</summary>
    public void Reminder(RecordKey key, ReminderImage? image)
    {
        Kind(image is null ? JournalEntryKind.ReminderDelete : JournalEntryKind.ReminderPut);
        Key(key);
        if (image is not null)
        {
            Int64(image.StartAtTicks);
            Int64(image.PeriodTicks);
            Int64(image.Version);
        }
    }

    /// <summary>Adds an index row's put (value) or delete (null); returns its key as written in UTF-8, valid until the next entry.</summary>
    public ReadOnlySpan<byte> IndexRow(string table, string key, byte[]? value)
    {
        Kind(value is null ? JournalEntryKind.IndexDelete : JournalEntryKind.IndexPut);
        Text(table);
        var start = length + 4;
        Text(key);
        var written = length - start;
        if (value is not null)
        {
            Bytes(value);
        }
        return buffer.AsSpan(start, written);
    }

    /// <summary>
    /// Completes the record, for journal file <paramref name="fileSequence"/>, and hands over its pooled buffer (return
    /// it to <see cref="ArrayPool{T}.Shared"/>) and length. Call it only when an entry was added (<see cref="IsEmpty"/> false).
    /// </summary>
    public (byte[] Buffer, int Length) Finish(long fileSequence)
    {
        var body = buffer.AsSpan(HeaderLength, length - HeaderLength);
        BinaryPrimitives.WriteInt32LittleEndian(buffer, body.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(buffer.AsSpan(4), JournalChecksum.Of(body, fileSequence));
        var finished = (buffer, length);
        buffer = [];
        return finished;
    }

    private void Key(RecordKey key)
    {
        Text(key.Type);
        Text(key.Key);
        Text(key.Name);
    }

    private void Kind(JournalEntryKind kind) => Reserve(1)[0] = (byte)kind;

    private void Int64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Reserve(8), value);

    private void Text(string value)
    {
        var span = Reserve(4 + Encoding.UTF8.GetMaxByteCount(value.Length));
        var written = Encoding.UTF8.GetBytes(value, span[4..]);
        BinaryPrimitives.WriteInt32LittleEndian(span, written);
        length -= span.Length - 4 - written;
    }

    private void Bytes(byte[]? value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(Reserve(4), value?.Length ?? -1);
        value?.CopyTo(Reserve(value.Length));
    }

    /// <summary>The next <paramref name="count"/> bytes of the record, growing the buffer when needed.</summary>
    private Span<byte> Reserve(int count)
    {
        if (length + count > buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(Math.Max(buffer.Length * 2, 16 * 1024), length + count));
            if (buffer.Length > 0)
            {
                buffer.AsSpan(0, length).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(buffer);
            }
            buffer = larger;
        }
        var span = buffer.AsSpan(length, count);
        length += count;
        return span;
    }
}
