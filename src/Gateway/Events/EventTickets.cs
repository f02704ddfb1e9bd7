using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace MachineGrid.Gateway;

/// <summary>
/// Short-lived, single-use tickets that authorize one event stream. A browser's EventSource cannot send an
/// <c>Authorization</c> header, so the page trades its bearer key for a ticket first. Tickets are kept by hash only,
/// expire after <see cref="Lifetime"/> and are spent by the first stream that presents them.
/// </summary>
public sealed class EventTickets(TimeProvider time)
{
    /// <summary>How long an unspent ticket stays valid.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    /// <summary>The most unspent tickets one principal has at once; a new one replaces its oldest.</summary>
    public const int MaxPerPrincipal = 16;

    /// <summary>The most unspent tickets kept at once; past it new tickets are refused until some expire.</summary>
    public const int MaxOutstanding = 10_000;

    /// <summary>The prefix of every ticket.</summary>
    public const string Prefix = "mget_";

    private readonly ConcurrentDictionary<string, (Actor Actor, DateTimeOffset ExpiresAt)> tickets = new(StringComparer.Ordinal);

    /// <summary>Issues a ticket for the actor.</summary>
    public EventTicket Issue(Actor actor)
    {
        var now = time.GetUtcNow();
        MakeRoom(actor, now);
        var ticket = Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var expiresAt = now + Lifetime;
        tickets[Hash(ticket)] = (actor, expiresAt);
        return new EventTicket(ticket, expiresAt);
    }

    /// <summary>The actor a ticket was issued to, without spending it; null when it is unknown, spent or expired.</summary>
    public Actor? Peek(string? ticket) =>
        IsWellFormed(ticket) && tickets.TryGetValue(Hash(ticket!), out var entry) && entry.ExpiresAt > time.GetUtcNow() ? entry.Actor : null;

    /// <summary>Spends a ticket: the actor it was issued to, or null when it is unknown, spent or expired.</summary>
    public Actor? Redeem(string? ticket)
    {
        if (!IsWellFormed(ticket))
        {
            return null;
        }
        return tickets.TryRemove(Hash(ticket!), out var entry) && entry.ExpiresAt > time.GetUtcNow() ? entry.Actor : null;
    }

    private static bool IsWellFormed(string? ticket) => ticket is { Length: > 0 and <= 128 } && ticket.StartsWith(Prefix, StringComparison.Ordinal);

    private void MakeRoom(Actor actor, DateTimeOffset now)
    {
        foreach (var (hash, entry) in tickets)
        {
            if (entry.ExpiresAt <= now)
            {
                tickets.TryRemove(hash, out _);
            }
        }
        var own = tickets.Where(t => t.Value.Actor.Id == actor.Id).OrderBy(t => t.Value.ExpiresAt).ToList();
        foreach (var (hash, _) in own.Take(own.Count - MaxPerPrincipal + 1))
        {
            tickets.TryRemove(hash, out _);
        }
        if (tickets.Count >= MaxOutstanding)
        {
            throw new DomainException(DomainErrorCode.InvalidState, "Too many event tickets are waiting to be used; try again in a few seconds.");
        }
    }

    private static string Hash(string ticket) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(ticket)));
}
