using MachineGrid.Runtime.Persistence.Sqlite.Journal;
using Xunit;

namespace MachineGrid.Runtime.Tests.Storage;

/// <summary>The journal's unapplied sets: what reads see as sets are frozen, applied and their tables reused.</summary>
public sealed class UnappliedChangesTests
{
    private static readonly RecordKey Applied = new("probe", "applied", "state");
    private static readonly RecordKey Waiting = new("probe", "waiting", "state");

    [Fact]
    public void A_new_set_reuses_the_emptied_state_table_of_the_set_applied_before_and_reads_see_none_of_its_old_records()
    {
        var changes = new UnappliedChanges();
        changes.RecordState(Applied, [1], 1);
        var first = changes.Freeze();
        changes.RecordState(Waiting, [2], 1);
        changes.Applied(first);

        var second = changes.Freeze();

        Assert.Same(first.States, changes.Active.States);
        Assert.Empty(changes.Active.States);
        Assert.False(changes.TryReadState(Applied, out _, out _));
        Assert.True(changes.TryReadState(Waiting, out var waiting, out var waitingVersion));
        Assert.Equal([2], waiting);
        Assert.Equal(1, waitingVersion);
        changes.RecordState(Applied, [3], 2);
        Assert.True(changes.TryReadState(Applied, out var again, out var againVersion));
        Assert.Equal([3], again);
        Assert.Equal(2, againVersion);
        Assert.Same(second, changes.Frozen);
    }

    [Fact]
    public void A_set_frozen_while_none_was_applied_yet_leaves_a_new_table_for_the_next()
    {
        var changes = new UnappliedChanges();
        changes.RecordState(Waiting, [1], 1);

        var first = changes.Freeze();

        Assert.NotSame(first.States, changes.Active.States);
        Assert.Empty(changes.Active.States);
        Assert.Throws<InvalidOperationException>(() => changes.Freeze());
        Assert.True(changes.TryReadState(Waiting, out _, out _));
    }
}
