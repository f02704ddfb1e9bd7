using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace MachineGrid.Grains;

/// <summary>Kept in memory: a lost silo loses its tickets (the page asks for a new one) and its leases (streams reopen).</summary>
internal sealed class EventAccessGrain(TimeProvider time) : Grain, IEventAccessGrain
{
    private readonly Dictionary<string, (Actor Actor, DateTimeOffset ExpiresAt)> tickets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> leases = new(StringComparer.Ordinal);

    private string PrincipalId => this.GetPrimaryKeyString();

    public Task<EventTicketGrant> Issue(Actor actor)
    {
        DemandSelf(actor);
        var now = time.GetUtcNow();
        Expire(now);
        foreach (var oldest in tickets.OrderBy(t => t.Value.ExpiresAt).Take(tickets.Count - IEventAccessGrain.MaxTickets + 1).Select(t => t.Key).ToList())
        {
            tickets.Remove(oldest);
        }
        var ticket = $"{EventTicketFormat.Prefix}{PrincipalId}.{Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32))}";
        var expiresAt = now + IEventAccessGrain.TicketLifetime;
        tickets[Hash(ticket)] = (actor, expiresAt);
        return Task.FromResult(new EventTicketGrant(ticket, expiresAt));
    }

    public Task<Actor?> Redeem(string ticket, string leaseId)
    {
        var now = time.GetUtcNow();
        Expire(now);
        var hash = Hash(ticket);
        if (EventTicketFormat.PrincipalOf(ticket) != PrincipalId || !tickets.TryGetValue(hash, out var entry))
        {
            return Task.FromResult<Actor?>(null);
        }
        Take(leaseId, now);
        tickets.Remove(hash);
        return Task.FromResult<Actor?>(entry.Actor);
    }

    public Task TakeSlot(Actor actor, string leaseId)
    {
        DemandSelf(actor);
        var now = time.GetUtcNow();
        Expire(now);
        Take(leaseId, now);
        return Task.CompletedTask;
    }

    public Task RenewSlot(string leaseId)
    {
        if (leases.ContainsKey(leaseId))
        {
            leases[leaseId] = time.GetUtcNow() + IEventAccessGrain.LeaseLifetime;
        }
        return Task.CompletedTask;
    }

    public Task ReleaseSlot(string leaseId)
    {
        leases.Remove(leaseId);
        return Task.CompletedTask;
    }

    private void Take(string leaseId, DateTimeOffset now)
    {
        DomainException.Require(leaseId is { Length: > 0 and <= 64 }, "A lease id is required.");
        if (!leases.ContainsKey(leaseId) && leases.Count >= IEventAccessGrain.MaxStreams)
        {
            throw new DomainException(DomainErrorCode.InvalidState,
                $"At most {IEventAccessGrain.MaxStreams} event streams may be open per principal; close one before opening another.");
        }
        leases[leaseId] = now + IEventAccessGrain.LeaseLifetime;
    }

    private void DemandSelf(Actor actor)
    {
        if (actor.Id != PrincipalId)
        {
            throw new DomainException(DomainErrorCode.Forbidden, "Event access is kept per principal.");
        }
    }

    private void Expire(DateTimeOffset now)
    {
        foreach (var expired in tickets.Where(t => t.Value.ExpiresAt <= now).Select(t => t.Key).ToList())
        {
            tickets.Remove(expired);
        }
        foreach (var expired in leases.Where(l => l.Value <= now).Select(l => l.Key).ToList())
        {
            leases.Remove(expired);
        }
    }

    private static string Hash(string ticket) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(ticket)));
}
