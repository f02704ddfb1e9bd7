namespace MachineGrid.Grains;

/// <summary>
/// One principal's dashboard event access (key: principal id): single-use stream tickets, and leases on its at most
/// <see cref="MaxStreams"/> open streams. Any gateway can redeem a ticket another issued; a lease not renewed within
/// <see cref="LeaseLifetime"/> (its gateway died) frees its slot.
/// </summary>
[Alias("mg.IEventAccessGrain")]
public interface IEventAccessGrain : IGrainWithStringKey
{
    /// <summary>How long a ticket may wait to be used.</summary>
    static readonly TimeSpan TicketLifetime = TimeSpan.FromSeconds(30);

    /// <summary>How long a stream's slot is held without renewal.</summary>
    static readonly TimeSpan LeaseLifetime = TimeSpan.FromMinutes(2);

    /// <summary>Open streams per principal.</summary>
    const int MaxStreams = 16;

    /// <summary>Unused tickets kept per principal; issuing more drops the oldest.</summary>
    const int MaxTickets = 16;

    /// <summary>A new ticket for the actor, who must be this grain's principal.</summary>
    Task<EventTicketGrant> Issue(Actor actor);

    /// <summary>
    /// Spends the ticket and takes a stream slot under <paramref name="leaseId"/>; null for an unknown, expired or used
    /// ticket. When every slot is taken it throws and the ticket stays unspent.
    /// </summary>
    Task<Actor?> Redeem(string ticket, string leaseId);

    /// <summary>Takes a stream slot for a stream opened with the principal's own key.</summary>
    Task TakeSlot(Actor actor, string leaseId);

    /// <summary>Keeps a slot while its stream is open.</summary>
    Task RenewSlot(string leaseId);

    /// <summary>Frees a slot as its stream ends.</summary>
    Task ReleaseSlot(string leaseId);
}

/// <summary>A ticket, shown once, and when it expires.</summary>
[GenerateSerializer, Immutable, Alias("mg.EventTicketGrant")]
public sealed record EventTicketGrant(string Ticket, DateTimeOffset ExpiresAt);
