using MachineGrid.Gateway;
using MachineGrid.Grains;
using MachineGrid.TestSupport;
using Xunit;

namespace MachineGrid.Dashboard.Tests;

/// <summary>Event stream tickets: single use, short-lived, and never stored in the clear.</summary>
public sealed class EventTicketsTests
{
    private static readonly Actor Alice = new("p-alice", "alice", EnvironmentRoles.MachineUser);

    [Fact]
    public void A_ticket_is_redeemed_once_for_the_actor_it_was_issued_to()
    {
        var tickets = new EventTickets(new ManualTimeProvider());
        var ticket = tickets.Issue(Alice);

        Assert.Equal(Alice, tickets.Redeem(ticket.Ticket));
        Assert.Null(tickets.Redeem(ticket.Ticket));
    }

    [Fact]
    public void An_expired_ticket_is_refused()
    {
        var time = new ManualTimeProvider();
        var tickets = new EventTickets(time);
        var ticket = tickets.Issue(Alice);
        Assert.Equal(time.GetUtcNow() + EventTickets.Lifetime, ticket.ExpiresAt);

        time.Advance(EventTickets.Lifetime);

        Assert.Null(tickets.Redeem(ticket.Ticket));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("mget_")]
    [InlineData("mgk_not_a_ticket")]
    public void A_malformed_ticket_is_refused(string? ticket) =>
        Assert.Null(new EventTickets(new ManualTimeProvider()).Redeem(ticket));

    [Fact]
    public void Tickets_are_unguessable_and_a_principal_holds_a_bounded_number()
    {
        var time = new ManualTimeProvider();
        var tickets = new EventTickets(time);
        var bob = Alice with { Id = "p-bob", Name = "bob" };
        var bobs = tickets.Issue(bob).Ticket;
        var issued = new List<string>();
        for (var i = 0; i < 100; i++)
        {
            issued.Add(tickets.Issue(Alice).Ticket);
            time.Advance(TimeSpan.FromMilliseconds(10));
        }

        Assert.Equal(issued.Count, issued.Distinct().Count());
        Assert.All(issued, t => Assert.True(t.Length > 40));
        // Alice's oldest were dropped to keep her at the bound; her newest and Bob's still work.
        Assert.Null(tickets.Redeem(issued[0]));
        Assert.Equal(EventTickets.MaxPerPrincipal, issued.Count(t => tickets.Redeem(t) is not null));
        Assert.Equal(bob, tickets.Redeem(bobs));
    }
}
