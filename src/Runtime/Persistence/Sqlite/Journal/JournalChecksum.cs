using System.Buffers.Binary;
using System.Numerics;

namespace MachineGrid.Runtime.Persistence.Sqlite.Journal;

/// <summary>
/// A 64-bit checksum of a journal record's body, eight bytes per step, so a record torn by a crash (cut short, or with
/// pages the disk never wrote) is told from a whole one. It is seeded with the number of the journal file the record
/// belongs to, so the records a recycled file still holds from its earlier use fail it. It guards against accidents,
/// not against tampering.
/// </summary>
internal static class JournalChecksum
{
    private const ulong Multiplier = 0x9E3779B97F4A7C15;

    /// <summary>The checksum of <paramref name="data"/>, a record body of journal file <paramref name="fileSequence"/>.</summary>
    public static ulong Of(ReadOnlySpan<byte> data, long fileSequence)
    {
        var hash = Mix((ulong)data.Length * Multiplier, (ulong)fileSequence);
        while (data.Length >= 8)
        {
            hash = Mix(hash, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }
        ulong tail = 0;
        for (var i = 0; i < data.Length; i++)
        {
            tail |= (ulong)data[i] << (8 * i);
        }
        return Mix(Mix(hash, tail), 0);
    }

    private static ulong Mix(ulong hash, ulong word) => BitOperations.RotateLeft((hash ^ word) * Multiplier, 29) + 0x632BE59BD9B4E019;
}
