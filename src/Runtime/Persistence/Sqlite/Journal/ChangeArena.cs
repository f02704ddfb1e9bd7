using System.Collections.Concurrent;

namespace MachineGrid.Runtime.Persistence.Sqlite.Journal;

/// <summary>
/// Holds the payloads and index keys of one <see cref="ChangeSet"/> in large pooled chunks until the set is applied. A
/// set lives about a second, long enough for the garbage collector to copy everything it references into older
/// generations, again and again; bytes copied into chunks (large objects, never moved) leave it nothing to copy.
/// </summary>
internal sealed class ChangeArena
{
    private const int ChunkSize = 1 << 20;
    private const int LargePayload = ChunkSize / 8;
    private const int PooledChunks = 64;
    private static readonly ConcurrentBag<byte[]> Pool = [];
    private readonly List<byte[]> chunks = [];
    private byte[]? current;
    private int used;

    /// <summary>Copies <paramref name="data"/> into the arena (a large one is kept as it is); null stores nothing.</summary>
    public Payload Store(byte[]? data)
    {
        if (data is null)
        {
            return default;
        }
        return data.Length >= LargePayload ? new Payload(data, 0, data.Length) : Store(data.AsSpan());
    }

    /// <summary>Copies <paramref name="data"/> (shorter than an eighth of a chunk) into the arena.</summary>
    public Payload Store(ReadOnlySpan<byte> data)
    {
        if (current is null || used + data.Length > current.Length)
        {
            current = Pool.TryTake(out var pooled) ? pooled : GC.AllocateUninitializedArray<byte>(ChunkSize);
            chunks.Add(current);
            used = 0;
        }
        data.CopyTo(current.AsSpan(used));
        var payload = new Payload(current, used, data.Length);
        used += data.Length;
        return payload;
    }

    /// <summary>Hands the chunks back to the pool. No payload of this arena may be read afterwards.</summary>
    public void Release()
    {
        foreach (var chunk in chunks)
        {
            if (Pool.Count < PooledChunks)
            {
                Pool.Add(chunk);
            }
        }
        chunks.Clear();
        current = null;
    }
}
