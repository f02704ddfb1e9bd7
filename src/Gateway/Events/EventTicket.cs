namespace MachineGrid.Gateway;

/// <summary>A single-use ticket for <c>GET /api/v1/events?ticket=</c>, valid until <paramref name="ExpiresAt"/>.</summary>
/// <param name="Ticket">The ticket.</param>
/// <param name="ExpiresAt">When it stops being accepted if unspent.</param>
public sealed record EventTicket(string Ticket, DateTimeOffset ExpiresAt);
