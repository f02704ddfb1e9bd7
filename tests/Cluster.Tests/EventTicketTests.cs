namespace MachineGrid.Cluster.Tests;

/// <summary>An event-stream ticket issued by one silo's gateway opens a stream on another's, once.</summary>
[Collection(SharedClusterCollection.Name)]
public sealed class EventTicketTests(SharedCluster shared)
{
    [Fact]
    public async Task A_ticket_issued_by_silo_A_is_redeemed_by_silo_B_and_then_spent_everywhere()
    {
        var (a, b, c) = (shared.Cluster.Silos[0], shared.Cluster.Silos[1], shared.Cluster.Silos[2]);
        var owner = Actors.Owner();

        var ticket = await a.Tickets.IssueAsync(owner);
        var redeemed = await b.Tickets.RedeemAsync(ticket.Ticket);

        Assert.NotNull(redeemed);
        Assert.Equal(owner, redeemed.Value.Actor);
        await redeemed.Value.Slot.DisposeAsync();
        Assert.Null(await a.Tickets.RedeemAsync(ticket.Ticket));
        Assert.Null(await c.Tickets.RedeemAsync(ticket.Ticket));
    }
}
