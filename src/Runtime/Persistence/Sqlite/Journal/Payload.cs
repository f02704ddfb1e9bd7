namespace MachineGrid.Runtime.Persistence.Sqlite.Journal;

/// <summary>A payload or key held in a <see cref="ChangeArena"/> chunk (or, when large, in an array of its own); the default value is none.</summary>
internal readonly record struct Payload(byte[]? Chunk, int Offset, int Length)
{
    /// <summary>Whether there is no payload (a cleared record or a deleted row).</summary>
    public bool IsNone => Chunk is null;

    /// <summary>The payload's bytes; empty when there is none.</summary>
    public ReadOnlySpan<byte> Span => Chunk is null ? default : Chunk.AsSpan(Offset, Length);

    /// <summary>A copy of the bytes, or null when there is none.</summary>
    public byte[]? ToArray() => Chunk is null ? null : Span.ToArray();
}
