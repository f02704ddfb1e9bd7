using System.Buffers.Text;
using MachineGrid.Gateway;
using MachineGrid.Grains;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace MachineGrid.Dashboard.Tests;

/// <summary>
/// Event stream tickets and stream slots, kept per principal in its <see cref="IEventAccessGrain"/> on the real silo:
/// tickets are single use, short-lived, unguessable, bound to their principal and bounded in number; slots are bounded
/// and freed when released. Called through the gateway's <see cref="EventTickets"/> and straight on the grain.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class EventTicketsTests(DashboardSite site)
{
    private EventTickets Tickets => site.Services.GetRequiredService<EventTickets>();

    private IGrainFactory Grains => site.Services.GetRequiredService<IGrainFactory>();

    [Fact]
    public async Task A_ticket_is_redeemed_once_for_the_actor_it_was_issued_to()
    {
        var alice = NewActor("alice");
        var ticket = await Tickets.IssueAsync(alice);

        var redeemed = await Tickets.RedeemAsync(ticket.Ticket);
        Assert.NotNull(redeemed);
        await using (redeemed.Value.Slot)
        {
            Assert.Equal(alice, redeemed.Value.Actor);
            Assert.Null(await Tickets.RedeemAsync(ticket.Ticket));
        }
        Assert.Null(await Tickets.RedeemAsync(ticket.Ticket));
    }

    [Fact]
    public async Task A_ticket_expires_after_its_lifetime()
    {
        // The expiry itself is shown on a clock moved forward (EventAccessExpiryTests); here, the real silo's deadline.
        var before = DateTimeOffset.UtcNow;
        var ticket = await Tickets.IssueAsync(NewActor("alice"));
        var after = DateTimeOffset.UtcNow;

        Assert.Equal(TimeSpan.FromSeconds(30), EventTickets.Lifetime);
        Assert.InRange(ticket.ExpiresAt, before + EventTickets.Lifetime, after + EventTickets.Lifetime);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("mget_")]
    [InlineData("mget_.")]
    [InlineData("mget_no-dot")]
    [InlineData("mget_.no-principal")]
    [InlineData("mgk_not_a_ticket")]
    [InlineData("MGET_p-1.abc")]
    public async Task A_malformed_ticket_is_refused(string? ticket) =>
        Assert.Null(await Tickets.RedeemAsync(ticket!));

    [Fact]
    public async Task A_ticket_too_long_to_be_one_is_refused_even_for_a_real_principal()
    {
        var alice = NewActor("alice");
        var ticket = await Tickets.IssueAsync(alice);

        Assert.Null(await Tickets.RedeemAsync(ticket.Ticket + new string('A', 256)));
        // The real ticket was not touched by the attempt.
        var redeemed = await Tickets.RedeemAsync(ticket.Ticket);
        Assert.NotNull(redeemed);
        await redeemed.Value.Slot.DisposeAsync();
    }

    [Fact]
    public async Task Tickets_are_unguessable_and_a_principal_holds_a_bounded_number_the_oldest_dropped()
    {
        var alice = NewActor("alice");
        var bob = NewActor("bob");
        var bobs = (await Tickets.IssueAsync(bob)).Ticket;
        var issued = new List<string>();
        for (var i = 0; i < 100; i++)
        {
            issued.Add((await Tickets.IssueAsync(alice)).Ticket);
        }

        Assert.Equal(issued.Count, issued.Distinct().Count());
        Assert.All(issued, t =>
        {
            // mget_{principal}.{256 random bits}: the principal routes it, the random part is what a guesser must find.
            Assert.StartsWith($"{EventTickets.Prefix}{alice.Id}.", t, StringComparison.Ordinal);
            var random = t[(t.LastIndexOf('.') + 1)..];
            Assert.Equal(32, Base64Url.DecodeFromChars(random).Length);
        });
        var slots = new List<IAsyncDisposable>();
        try
        {
            // Alice's oldest were dropped to keep her at the bound; exactly her newest work, and Bob's is untouched.
            for (var i = 0; i < issued.Count; i++)
            {
                var redeemed = await Tickets.RedeemAsync(issued[i]);
                if (redeemed is { } r)
                {
                    slots.Add(r.Slot);
                }
                Assert.True((redeemed is not null) == (i >= issued.Count - IEventAccessGrain.MaxTickets), $"ticket {i} of {issued.Count}");
            }
            var bobsRedeemed = await Tickets.RedeemAsync(bobs);
            Assert.NotNull(bobsRedeemed);
            slots.Add(bobsRedeemed.Value.Slot);
            Assert.Equal(bob, bobsRedeemed.Value.Actor);
        }
        finally
        {
            foreach (var slot in slots)
            {
                await slot.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_ticket_issued_for_one_principal_is_not_redeemed_as_another()
    {
        var alice = NewActor("alice");
        var bob = NewActor("bob");
        var ticket = (await Tickets.IssueAsync(alice)).Ticket;
        var random = ticket[(ticket.LastIndexOf('.') + 1)..];

        // Renamed to Bob, it goes to Bob's grain, which never issued it.
        Assert.Null(await Tickets.RedeemAsync($"{EventTickets.Prefix}{bob.Id}.{random}"));
        // Handed straight to Bob's grain as it is, it is refused there too.
        Assert.Null(await Grains.GetGrain<IEventAccessGrain>(bob.Id).Redeem(ticket, Guid.NewGuid().ToString("N")));
        // Nobody may get a ticket in another principal's name.
        var forbidden = await Assert.ThrowsAsync<DomainException>(() => Grains.GetGrain<IEventAccessGrain>(bob.Id).Issue(alice));
        Assert.Equal(DomainErrorCode.Forbidden, forbidden.Code);
        var slotForbidden = await Assert.ThrowsAsync<DomainException>(() => Grains.GetGrain<IEventAccessGrain>(bob.Id).TakeSlot(alice, "lease"));
        Assert.Equal(DomainErrorCode.Forbidden, slotForbidden.Code);

        // None of that spent Alice's ticket, which still opens a stream as Alice.
        var redeemed = await Tickets.RedeemAsync(ticket);
        Assert.NotNull(redeemed);
        await redeemed.Value.Slot.DisposeAsync();
        Assert.Equal(alice, redeemed.Value.Actor);
    }

    [Fact]
    public async Task A_principal_holds_a_bounded_number_of_slots_a_full_set_leaves_a_ticket_unspent_and_a_released_slot_is_free_again()
    {
        var alice = NewActor("alice");
        var access = Grains.GetGrain<IEventAccessGrain>(alice.Id);
        var leases = Enumerable.Range(0, IEventAccessGrain.MaxStreams).Select(i => $"lease-{i}").ToList();
        foreach (var lease in leases)
        {
            await access.TakeSlot(alice, lease);
        }
        // Taking a slot already held is not another slot.
        await access.TakeSlot(alice, leases[0]);

        var full = await Assert.ThrowsAsync<DomainException>(() => access.TakeSlot(alice, "one-too-many"));
        Assert.Equal(DomainErrorCode.InvalidState, full.Code);
        var ticket = (await Tickets.IssueAsync(alice)).Ticket;
        var refused = await Assert.ThrowsAsync<DomainException>(() => Tickets.RedeemAsync(ticket));
        Assert.Equal(DomainErrorCode.InvalidState, refused.Code);
        // Another principal's slots are its own.
        var bob = NewActor("bob");
        await Grains.GetGrain<IEventAccessGrain>(bob.Id).TakeSlot(bob, "bobs-lease");

        await access.ReleaseSlot(leases[0]);

        // The refused ticket was left unspent and now takes the freed slot; after that the set is full again.
        var redeemed = await Tickets.RedeemAsync(ticket);
        Assert.NotNull(redeemed);
        Assert.Equal(alice, redeemed.Value.Actor);
        var fullAgain = await Assert.ThrowsAsync<DomainException>(() => access.TakeSlot(alice, "one-too-many"));
        Assert.Equal(DomainErrorCode.InvalidState, fullAgain.Code);
        // Disposing the gateway's slot releases its lease.
        await redeemed.Value.Slot.DisposeAsync();
        await access.TakeSlot(alice, "one-too-many");
    }

    [Fact]
    public async Task A_slot_needs_a_lease_id()
    {
        var alice = NewActor("alice");
        var access = Grains.GetGrain<IEventAccessGrain>(alice.Id);

        var empty = await Assert.ThrowsAsync<DomainException>(() => access.TakeSlot(alice, ""));
        Assert.Equal(DomainErrorCode.Validation, empty.Code);
        var tooLong = await Assert.ThrowsAsync<DomainException>(() => access.TakeSlot(alice, new string('x', 65)));
        Assert.Equal(DomainErrorCode.Validation, tooLong.Code);
        // A ticket presented with no lease stays unspent.
        var ticket = (await Tickets.IssueAsync(alice)).Ticket;
        await Assert.ThrowsAsync<DomainException>(() => access.Redeem(ticket, ""));
        Assert.Equal(alice, await access.Redeem(ticket, "a-lease"));
    }

    /// <summary>A principal of its own, so no test sees another's tickets or slots in the shared silo.</summary>
    private static Actor NewActor(string name) => new($"p-{name}-{Guid.NewGuid():N}", name, EnvironmentRoles.MachineUser);
}
