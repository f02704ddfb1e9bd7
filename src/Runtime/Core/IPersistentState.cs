namespace MachineGrid.Runtime;

/// <summary>A piece of grain state kept in storage. It is read before <c>OnActivateAsync</c> runs.</summary>
public interface IPersistentState<TState> where TState : new()
{
    /// <summary>The current value. Changes are kept only once <see cref="WriteStateAsync"/> completes.</summary>
    TState State { get; set; }

    /// <summary>The storage version of the last read or write; null when nothing was ever stored.</summary>
    string? Etag { get; }

    /// <summary>Whether storage holds a value (false before the first write and after a clear).</summary>
    bool RecordExists { get; }

    /// <summary>Reloads the value from storage.</summary>
    Task ReadStateAsync();

    /// <summary>Stores the value. Returns once the commit is durable.</summary>
    /// <exception cref="InconsistentStateException">Storage holds a newer version than this activation read; the activation is dropped.</exception>
    Task WriteStateAsync();

    /// <summary>Removes the stored value and resets <see cref="State"/> to a new instance.</summary>
    Task ClearStateAsync();
}
