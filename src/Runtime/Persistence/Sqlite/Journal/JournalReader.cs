using System.Buffers.Binary;
using System.Text;

namespace MachineGrid.Runtime.Persistence.Sqlite.Journal;

/// <summary>Reads a journal file's records back into a <see cref="ChangeSet"/>, up to the first record that is not whole.</summary>
internal static class JournalReader
{
    /// <summary>
    /// Adds the images of every whole record in journal file <paramref name="sequence"/> (at <paramref name="file"/>) to
    /// <paramref name="changes"/>, in order. Returns the number of records read; a record cut short or failing its
    /// checksum ends the file (a crash tore it, or the file was recycled and what follows is from its earlier use).
    /// </summary>
    public static int ReadInto(string file, long sequence, ChangeSet changes)
    {
        var data = File.ReadAllBytes(file);
        var offset = 0;
        var records = 0;
        while (data.Length - offset >= JournalEncoder.HeaderLength)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(offset));
            if (length <= 0 || length > data.Length - offset - JournalEncoder.HeaderLength)
            {
                break;
            }
            var body = data.AsSpan(offset + JournalEncoder.HeaderLength, length);
            if (JournalChecksum.Of(body, sequence) != BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(offset + 4)))
            {
                break;
            }
            ReadEntries(body, changes);
            offset += JournalEncoder.HeaderLength + length;
            records++;
        }
        return records;
    }

    private static void ReadEntries(ReadOnlySpan<byte> body, ChangeSet changes)
    {
        while (!body.IsEmpty)
        {
            var kind = (JournalEntryKind)body[0];
            body = body[1..];
            switch (kind)
            {
                case JournalEntryKind.State:
                    var state = Key(ref body);
                    var version = Int64(ref body);
                    changes.PutState(state, Bytes(ref body), version);
                    break;
                case JournalEntryKind.ReminderPut:
                    var reminder = Key(ref body);
                    var startAt = Int64(ref body);
                    var period = Int64(ref body);
                    changes.PutReminder(reminder, new ReminderImage(startAt, period, Int64(ref body)));
                    break;
                case JournalEntryKind.ReminderDelete:
                    changes.PutReminder(Key(ref body), null);
                    break;
                case JournalEntryKind.IndexPut:
                    var table = Text(ref body);
                    var key = Utf8(ref body);
                    changes.PutIndexRow(table, key, Bytes(ref body));
                    break;
                case JournalEntryKind.IndexDelete:
                    var from = Text(ref body);
                    changes.PutIndexRow(from, Utf8(ref body), null);
                    break;
                default:
                    throw new InvalidDataException($"The journal holds an entry of unknown kind {(byte)kind}.");
            }
        }
    }

    private static RecordKey Key(ref ReadOnlySpan<byte> body)
    {
        var type = Text(ref body);
        var key = Text(ref body);
        return new RecordKey(type, key, Text(ref body));
    }

    private static long Int64(ref ReadOnlySpan<byte> body)
    {
        var value = BinaryPrimitives.ReadInt64LittleEndian(body);
        body = body[8..];
        return value;
    }

    private static string Text(ref ReadOnlySpan<byte> body) => Encoding.UTF8.GetString(Utf8(ref body));

    private static ReadOnlySpan<byte> Utf8(ref ReadOnlySpan<byte> body)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(body);
        var text = body.Slice(4, length);
        body = body[(4 + length)..];
        return text;
    }

    private static byte[]? Bytes(ref ReadOnlySpan<byte> body)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(body);
        if (length < 0)
        {
            body = body[4..];
            return null;
        }
        var bytes = body.Slice(4, length).ToArray();
        body = body[(4 + length)..];
        return bytes;
    }
}
