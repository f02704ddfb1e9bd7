
namespace MachineGrid.Grains;

/// <summary>Writes immutable grain state so that a failed write changes nothing, in storage or in memory.</summary>
internal static class PersistentStateExtensions
{
    /// <summary>Replaces the state with <paramref name="next"/> and writes it; if the write fails the previous state is put back.</summary>
    public static async Task SaveAsync<TState>(this IPersistentState<TState> state, TState next) where TState : new()
    {
        var previous = state.State;
        state.State = next;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State = previous;
            throw;
        }
    }
}
