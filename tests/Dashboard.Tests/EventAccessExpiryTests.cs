using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MachineGrid.Gateway;
using MachineGrid.Gateway.Tests;
using MachineGrid.Grains;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Xunit;

namespace MachineGrid.Dashboard.Tests;

/// <summary>
/// Ticket and lease expiry on the real system (silo, grains, gateway on Kestrel) whose grains and gateway read a
/// <see cref="SkewedClock"/>: moving it forward makes a 30 s ticket or a 2 min lease lapse without waiting for it.
/// Orleans' own background loops stay on the real clock.
/// </summary>
public sealed class EventAccessExpiryTests : IAsyncLifetime
{
    private readonly SkewedClock clock = new();
    private GatewayHost host = null!;
    private HttpClient http = null!;

    private IGrainFactory Grains => host.Services.GetRequiredService<IGrainFactory>();

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        host = await GatewayHost.StartAsync(services: services =>
        {
            services.AddSingleton<TimeProvider>(clock);
            services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
        });
        http = host.Client();
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        http.Dispose();
        await host.DisposeAsync();
    }

    [Fact]
    public async Task A_ticket_opens_a_stream_within_its_lifetime_and_is_refused_once_it_has_passed()
    {
        var (early, expiresAt) = await TicketAsync();
        var late = (await TicketAsync()).Ticket;
        Assert.InRange(expiresAt - clock.GetUtcNow(), EventTickets.Lifetime - TimeSpan.FromSeconds(5), EventTickets.Lifetime);

        clock.Skip(EventTickets.Lifetime - TimeSpan.FromSeconds(5));
        using (var stream = await http.GetAsync($"/api/v1/events?ticket={early}", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        }

        clock.Skip(TimeSpan.FromSeconds(5));
        using var expired = await http.GetAsync($"/api/v1/events?ticket={late}", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Equal("Unauthenticated", (await expired.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_expired_ticket_no_longer_counts_against_the_bound()
    {
        var alice = NewActor();
        var tickets = host.Services.GetRequiredService<EventTickets>();
        var old = new List<string>();
        for (var i = 0; i < IEventAccessGrain.MaxTickets; i++)
        {
            old.Add((await tickets.IssueAsync(alice)).Ticket);
        }
        clock.Skip(EventTickets.Lifetime);
        var fresh = (await tickets.IssueAsync(alice)).Ticket;

        foreach (var ticket in old)
        {
            Assert.Null(await tickets.RedeemAsync(ticket));
        }
        var redeemed = await tickets.RedeemAsync(fresh);
        Assert.NotNull(redeemed);
        await redeemed.Value.Slot.DisposeAsync();
    }

    [Fact]
    public async Task A_lease_that_is_not_renewed_frees_its_slot_after_its_lifetime()
    {
        var alice = NewActor();
        var access = Grains.GetGrain<IEventAccessGrain>(alice.Id);
        for (var i = 0; i < IEventAccessGrain.MaxStreams; i++)
        {
            await access.TakeSlot(alice, $"lease-{i}");
        }
        await Assert.ThrowsAsync<DomainException>(() => access.TakeSlot(alice, "late"));

        clock.Skip(IEventAccessGrain.LeaseLifetime - TimeSpan.FromSeconds(10));
        await Assert.ThrowsAsync<DomainException>(() => access.TakeSlot(alice, "late"));

        // The gateway that held them is gone: nobody renewed, so every slot is free again.
        clock.Skip(TimeSpan.FromSeconds(10));
        for (var i = 0; i < IEventAccessGrain.MaxStreams; i++)
        {
            await access.TakeSlot(alice, $"new-{i}");
        }
        await Assert.ThrowsAsync<DomainException>(() => access.TakeSlot(alice, "late"));
    }

    [Fact]
    public async Task A_renewed_lease_keeps_its_slot()
    {
        var alice = NewActor();
        var access = Grains.GetGrain<IEventAccessGrain>(alice.Id);
        var leases = Enumerable.Range(0, IEventAccessGrain.MaxStreams).Select(i => $"lease-{i}").ToList();
        foreach (var lease in leases)
        {
            await access.TakeSlot(alice, lease);
        }

        clock.Skip(IEventAccessGrain.LeaseLifetime / 2);
        foreach (var lease in leases.Skip(1))
        {
            await access.RenewSlot(lease);
        }
        clock.Skip(IEventAccessGrain.LeaseLifetime / 2);

        // Only the one lease left unrenewed has lapsed.
        await access.TakeSlot(alice, "replacement");
        var full = await Assert.ThrowsAsync<DomainException>(() => access.TakeSlot(alice, "late"));
        Assert.Equal(DomainErrorCode.InvalidState, full.Code);
        // Renewing a lapsed lease does not bring it back: with one slot released, one is free.
        await access.RenewSlot(leases[0]);
        await access.ReleaseSlot("replacement");
        await access.TakeSlot(alice, "late");
    }

    private async Task<(string Ticket, DateTimeOffset ExpiresAt)> TicketAsync()
    {
        using var response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/v1/events/ticket") { Headers = { Authorization = new("Bearer", host.AdminKey) } });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("ticket").GetString()!, body.GetProperty("expiresAt").GetDateTimeOffset());
    }

    private static Actor NewActor() => new($"p-expiry-{Guid.NewGuid():N}", "alice", EnvironmentRoles.MachineUser);
}
