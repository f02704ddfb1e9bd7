using MachineGrid.Runtime.Persistence.Sqlite;
using MachineGrid.Runtime.Testing;
using Xunit;

namespace MachineGrid.Runtime.Tests.Storage;

/// <summary>What the SQLite writer tells the background checkpointer.</summary>
public sealed class WalBacklogTests
{
    [Fact]
    public void The_checkpointer_waits_only_while_no_page_was_written_since_its_last_checkpoint()
    {
        using var backlog = new WalBacklog(new ManualTimeProvider(DateTimeOffset.UnixEpoch));

        Assert.False(GoesOn(backlog), "nothing written yet: the checkpointer waits");
        backlog.Committed(0);
        Assert.False(GoesOn(backlog), "a commit that wrote no page does not wake it");
        backlog.Committed(3);
        backlog.Committed(2);
        Assert.True(GoesOn(backlog), "pages written: it goes on at once");
        Assert.Equal(5, backlog.Frames);

        backlog.Checkpointed(4);
        Assert.True(GoesOn(backlog), "a page written after the checkpoint began is still waiting to be copied");
        backlog.Checkpointed(1);
        Assert.False(GoesOn(backlog), "everything copied: it waits again");
    }

    [Fact]
    public void The_time_since_the_last_commit_is_measured_on_the_given_clock()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        using var backlog = new WalBacklog(clock);
        clock.Advance(TimeSpan.FromSeconds(3));
        backlog.Committed(1);
        clock.Advance(TimeSpan.FromMilliseconds(40));

        Assert.Equal(TimeSpan.FromMilliseconds(40), backlog.SinceLastCommit);
    }

    /// <summary>Whether the checkpointer's wait returns, rather than still waiting when given up on.</summary>
    private static bool GoesOn(WalBacklog backlog)
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        try
        {
            backlog.WaitForFrames(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
