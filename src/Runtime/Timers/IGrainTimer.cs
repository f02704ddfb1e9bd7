namespace MachineGrid.Runtime;

/// <summary>A running grain timer. Dispose it to stop it.</summary>
public interface IGrainTimer : IDisposable
{
    /// <summary>Changes when the next tick is due and the period after each tick.</summary>
    void Change(TimeSpan dueTime, TimeSpan period);
}
