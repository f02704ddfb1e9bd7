namespace MachineGrid.Grains;

/// <summary>Event tickets: <c>mget_{principal id}.{256 random bits}</c>, so any gateway knows which grain redeems one.</summary>
public static class EventTicketFormat
{
    private static readonly System.Buffers.SearchValues<char> IdCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_");

    /// <summary>What every ticket starts with.</summary>
    public const string Prefix = "mget_";

    /// <summary>The principal a ticket names, or null when it is malformed; the grain decides whether it is valid.</summary>
    public static string? PrincipalOf(string? ticket)
    {
        if (ticket is not { Length: > 0 and <= 256 } || !ticket.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }
        var dot = ticket.LastIndexOf('.');
        if (dot <= Prefix.Length || dot - Prefix.Length > 128)
        {
            return null;
        }
        var principal = ticket[Prefix.Length..dot];
        // Only what an id can hold, so a made-up ticket cannot activate a grain under an arbitrary name.
        return principal.AsSpan().ContainsAnyExcept(IdCharacters) ? null : principal;
    }
}
