using MachineGrid.Runtime.Persistence.GroupCommit;

namespace MachineGrid.Runtime.Persistence.Sqlite.Journal;

/// <summary>
/// Asks the writer to hand the journal's changes to SQLite at its next batch. The applier sends it when changes wait
/// while the writer is idle; it goes through the write queue because only the writer may end a journal file. No caller waits on it.
/// </summary>
internal sealed class PendingApplyRequest : PendingWrite
{
    /// <inheritdoc />
    public override bool IsCallerWrite => false;

    /// <inheritdoc />
    public override string Description => "a request to apply the journal";

    /// <inheritdoc />
    public override void Complete()
    {
    }

    /// <inheritdoc />
    public override void Fail(Exception exception)
    {
    }
}
