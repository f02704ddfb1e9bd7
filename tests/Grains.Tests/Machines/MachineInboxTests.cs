using Xunit;

namespace MachineGrid.Grains.Tests.Machines;

/// <summary>
/// A group's offers and withdrawals are one-way messages, which Orleans may deliver out of order (most of all while a
/// silo fails over): the inbox matches each withdrawal to the offer it ends.
/// </summary>
public sealed class MachineInboxTests
{
    private static readonly DateTimeOffset First = new(2030, 1, 1, 0, 0, 30, TimeSpan.Zero);
    private static readonly DateTimeOffset Second = First.AddSeconds(30);
    private readonly MachineState machine = new();
    private readonly MachineInbox inbox;

    public MachineInboxTests() => inbox = new MachineInbox(() => machine);

    [Fact]
    public void A_withdrawal_forgets_the_offer_it_names()
    {
        Assert.True(inbox.Offer(Offer("r-1", First)));

        Assert.True(inbox.Withdraw("r-1", First));

        Assert.False(inbox.Holds("r-1"));
        Assert.Empty(inbox.Take(10));
    }

    [Fact]
    public void A_late_withdrawal_of_an_earlier_offer_leaves_the_run_offered_again()
    {
        inbox.Offer(Offer("r-1", First));
        Assert.Single(inbox.Take(10));
        inbox.Offer(Offer("r-1", Second));

        Assert.False(inbox.Withdraw("r-1", First));

        Assert.True(inbox.Holds("r-1"));
        Assert.Equal(Second, Assert.Single(inbox.Take(10)).AcknowledgeBy);
    }

    [Fact]
    public void An_offer_that_arrives_after_its_own_withdrawal_is_refused()
    {
        Assert.False(inbox.Withdraw("r-1", First));

        Assert.False(inbox.Offer(Offer("r-1", First)));
        Assert.False(inbox.Holds("r-1"));

        Assert.True(inbox.Offer(Offer("r-1", Second)));
        Assert.True(inbox.Holds("r-1"));
    }

    [Fact]
    public void An_offer_crossing_the_rebuild_of_the_same_assignment_is_handed_out_once()
    {
        inbox.Place(Offer("r-1", First), started: false);
        inbox.Offer(Offer("r-1", First));

        Assert.Single(inbox.Take(10));
        Assert.Empty(inbox.Take(10));
    }

    [Fact]
    public async Task A_poll_that_would_wait_beyond_the_limit_or_takes_nothing_is_refused()
    {
        inbox.Offer(Offer("r-1", First));

        foreach (var (max, wait) in new[] { (1, MachineInbox.MaxWait + TimeSpan.FromTicks(1)), (1, TimeSpan.FromTicks(-1)), (0, TimeSpan.Zero) })
        {
            var refused = await Assert.ThrowsAsync<DomainException>(() => inbox.WaitAndTakeAsync(max, wait, TimeProvider.System));
            Assert.Equal(DomainErrorCode.Validation, refused.Code);
        }
        Assert.Single(await inbox.WaitAndTakeAsync(1, MachineInbox.MaxWait, TimeProvider.System));
    }

    private static Assignment Offer(string runId, DateTimeOffset acknowledgeBy) =>
        new(runId, "flow", RunMode.Unattended, "c-1", "robot", acknowledgeBy, acknowledgeBy.AddHours(1), acknowledgeBy.AddMinutes(-1));
}
