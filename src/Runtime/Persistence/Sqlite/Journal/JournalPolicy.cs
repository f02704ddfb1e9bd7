namespace MachineGrid.Runtime.Persistence.Sqlite.Journal;

/// <summary>When the journal's changes are handed to SQLite.</summary>
/// <param name="ApplyAfter">
/// Age of the oldest unapplied change at which the changes are applied. The longer, the more rows that are put and
/// deleted within it (a run's group rows) never reach SQLite, and the fewer times a hot page is written; the more
/// the journal holds in memory and replays after a crash.
/// </param>
/// <param name="MaxChanges">Records and rows held at which the changes are applied whatever their age.</param>
internal sealed record JournalPolicy(TimeSpan ApplyAfter, int MaxChanges)
{
    /// <summary>Defaults: after half a second (250 ms and one second measured slower), or at 100,000 changes.</summary>
    public static JournalPolicy Default { get; } = new(TimeSpan.FromMilliseconds(500), 100_000);

    /// <summary>Changes held, while an apply is still running, at which the writer waits for it.</summary>
    public int HardLimit => MaxChanges * 4;
}
