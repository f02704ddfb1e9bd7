using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace MachineGrid.Runtime.Persistence;

/// <summary>
/// A grain's named state bound to storage. When it tracks changes it remembers a hash of what storage holds, so the
/// runtime can tell whether the value changed since the last read or write and write it before deactivation.
/// </summary>
internal sealed class PersistentState<TState>(GrainId grainId, string stateName, IGrainStorage storage, JsonSerializerOptions json, Action onInconsistent, bool trackChanges = true)
    : IPersistentState<TState>, IStateWriter where TState : new()
{
    private readonly JsonTypeInfo<TState> typeInfo = (JsonTypeInfo<TState>)json.GetTypeInfo(typeof(TState));
    private ulong storedHash;

    public TState State { get; set; } = new();

    public string? Etag { get; private set; }

    public bool RecordExists { get; private set; }

    public string StateName => stateName;

    public async Task ReadStateAsync()
    {
        var stored = await storage.ReadAsync(grainId, stateName).ConfigureAwait(false);
        Etag = stored?.ETag;
        RecordExists = stored?.Data is not null;
        if (stored?.Data is { } data)
        {
            try
            {
                State = JsonSerializer.Deserialize(data, typeInfo) ?? new TState();
            }
            catch (JsonException ex)
            {
                throw new StateDeserializationException(grainId, stateName, ex);
            }
            Remember(data);
        }
        else
        {
            State = new TState();
            Remember(null);
        }
    }

    public async Task WriteStateAsync()
    {
        var data = Serialize();
        try
        {
            Etag = await storage.WriteAsync(grainId, stateName, data, Etag).ConfigureAwait(false);
        }
        catch (InconsistentStateException)
        {
            onInconsistent();
            throw;
        }
        RecordExists = true;
        Remember(data);
    }

    public async Task ClearStateAsync()
    {
        try
        {
            Etag = await storage.ClearAsync(grainId, stateName, Etag).ConfigureAwait(false);
        }
        catch (InconsistentStateException)
        {
            onInconsistent();
            throw;
        }
        RecordExists = false;
        State = new TState();
        Remember(null);
    }

    public Task WriteIfChangedAsync() => !trackChanges || HashOf(Serialize()) == storedHash ? Task.CompletedTask : WriteStateAsync();

    /// <summary>Remembers what storage now holds (<paramref name="stored"/>, or the current value when null), if changes are tracked.</summary>
    private void Remember(byte[]? stored)
    {
        if (trackChanges)
        {
            storedHash = HashOf(stored ?? Serialize());
        }
    }

    private byte[] Serialize() => JsonSerializer.SerializeToUtf8Bytes(State, typeInfo);

    /// <summary>
    /// FNV-1a over 8-byte words, then the tail bytes, mixed with the length. It only tells whether the state changed
    /// within this activation, so it need not match any other hash; word-wise it runs several times faster than per byte
    /// (a state is hashed at every write, and large states are written often).
    /// </summary>
    private static ulong HashOf(byte[] data)
    {
        const ulong prime = 1099511628211ul;
        var hash = 14695981039346656037ul ^ (ulong)data.Length;
        var words = MemoryMarshal.Cast<byte, ulong>(data);
        foreach (var word in words)
        {
            hash = (hash ^ word) * prime;
            hash ^= hash >> 29;
        }
        for (var i = words.Length * sizeof(ulong); i < data.Length; i++)
        {
            hash = (hash ^ data[i]) * prime;
        }
        return hash;
    }
}
