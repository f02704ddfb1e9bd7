using System.Text;

namespace MachineGrid.Runtime;

/// <summary>Identity of a grain: its grain type name and its key. Equal ids address the same grain on every silo.</summary>
public readonly struct GrainId : IEquatable<GrainId>
{
    private readonly uint hash;

    /// <summary>The longest key accepted, in characters.</summary>
    public const int MaxKeyLength = 512;

    /// <summary>Creates an id, validating the key.</summary>
    /// <exception cref="ArgumentException">The type is empty, or the key is empty or longer than <see cref="MaxKeyLength"/>.</exception>
    public GrainId(string type, string key)
    {
        if (string.IsNullOrWhiteSpace(type))
        {
            throw new ArgumentException("A grain type name must not be empty.", nameof(type));
        }
        if (string.IsNullOrEmpty(key))
        {
            throw new ArgumentException($"A key for grain type '{type}' must not be empty.", nameof(key));
        }
        if (key.Length > MaxKeyLength)
        {
            throw new ArgumentException($"A key for grain type '{type}' must be at most {MaxKeyLength} characters; got {key.Length}.", nameof(key));
        }
        Type = type;
        Key = key;
        hash = Fold((Fold(2166136261u, type) ^ '/') * 16777619u, key);
    }

    /// <summary>The grain type name, e.g. <c>machinegroup</c>.</summary>
    public string Type { get; }

    /// <summary>The grain key within its type.</summary>
    public string Key { get; }

    /// <summary>A hash that is the same in every process and every run (FNV-1a over UTF-8 of type and key), for placement and reminder ranges.</summary>
    public uint GetStableHash() => hash;

    /// <inheritdoc />
    public bool Equals(GrainId other) => hash == other.hash && string.Equals(Key, other.Key, StringComparison.Ordinal) && string.Equals(Type, other.Type, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is GrainId other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => (int)hash;

    /// <summary>Equality of ids.</summary>
    public static bool operator ==(GrainId left, GrainId right) => left.Equals(right);

    /// <summary>Inequality of ids.</summary>
    public static bool operator !=(GrainId left, GrainId right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() => $"{Type}/{Key}";

    private static uint Fold(uint hash, string text)
    {
        if (Ascii.IsValid(text))
        {
            // Every id this system makes is ASCII, where each character is its own UTF-8 byte: no encoding needed.
            foreach (var c in text)
            {
                hash = (hash ^ c) * 16777619u;
            }
            return hash;
        }
        Span<byte> buffer = stackalloc byte[4];
        foreach (var rune in text.EnumerateRunes())
        {
            var length = rune.EncodeToUtf8(buffer);
            for (var i = 0; i < length; i++)
            {
                hash = (hash ^ buffer[i]) * 16777619u;
            }
        }
        return hash;
    }
}
