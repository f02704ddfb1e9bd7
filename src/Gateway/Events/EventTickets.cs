namespace MachineGrid.Gateway;

/// <summary>
/// Single-use tickets that let a browser open the event stream without putting its API key in a URL, and the stream
/// slots each principal may hold. Both live in the principal's <see cref="IEventAccessGrain"/>, so a ticket issued by
/// one gateway opens a stream on another.
/// </summary>
public sealed class EventTickets(IGrainFactory grains, TimeProvider time)
{
    /// <summary>How long a ticket waits to be used.</summary>
    public static readonly TimeSpan Lifetime = IEventAccessGrain.TicketLifetime;

    /// <summary>Open streams per principal.</summary>
    public const int MaxStreamsPerPrincipal = IEventAccessGrain.MaxStreams;

    /// <summary>What every ticket starts with.</summary>
    public const string Prefix = EventTicketFormat.Prefix;

    /// <summary>A new ticket for the actor.</summary>
    public async Task<EventTicket> IssueAsync(Actor actor)
    {
        var grant = await grains.GetGrain<IEventAccessGrain>(actor.Id).Issue(actor);
        return new EventTicket(grant.Ticket, grant.ExpiresAt);
    }

    /// <summary>Spends a ticket and takes a stream slot; null for a ticket that is malformed, unknown, expired or used.</summary>
    public async Task<(Actor Actor, IAsyncDisposable Slot)?> RedeemAsync(string ticket)
    {
        if (EventTicketFormat.PrincipalOf(ticket) is not { } principalId)
        {
            return null;
        }
        var access = grains.GetGrain<IEventAccessGrain>(principalId);
        var lease = Guid.NewGuid().ToString("N");
        return await access.Redeem(ticket, lease) is { } actor ? (actor, new StreamSlot(access, lease, time)) : null;
    }

    /// <summary>Takes a stream slot for a stream opened with the principal's own key.</summary>
    public async Task<IAsyncDisposable> TakeSlotAsync(Actor actor)
    {
        var access = grains.GetGrain<IEventAccessGrain>(actor.Id);
        var lease = Guid.NewGuid().ToString("N");
        await access.TakeSlot(actor, lease);
        return new StreamSlot(access, lease, time);
    }

    /// <summary>Renews its lease while the stream is open and frees it when the stream ends.</summary>
    private sealed class StreamSlot : IAsyncDisposable
    {
        private readonly IEventAccessGrain access;
        private readonly string lease;
        private readonly ITimer renewal;

        public StreamSlot(IEventAccessGrain access, string lease, TimeProvider time)
        {
            this.access = access;
            this.lease = lease;
            var every = IEventAccessGrain.LeaseLifetime / 2;
            renewal = time.CreateTimer(_ => _ = RenewAsync(), null, every, every);
        }

        public async ValueTask DisposeAsync()
        {
            await renewal.DisposeAsync();
            try
            {
                await access.ReleaseSlot(lease);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The slot's lease expires on its own.
            }
        }

        private async Task RenewAsync()
        {
            try
            {
                await access.RenewSlot(lease);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The next renewal tries again; the lease outlives one missed renewal.
            }
        }
    }
}
