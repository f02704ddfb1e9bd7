using System.Security.Claims;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MachineGrid.Gateway;

/// <summary>The dashboard's live feed: <c>POST /events/ticket</c> and the Server-Sent Events stream <c>GET /events</c>.</summary>
public static class EventsApi
{
    /// <summary>
    /// The cookie that carries a ticket to the stream (HttpOnly, SameSite=Strict, path <c>/api/v1/events</c>), so the page's
    /// EventSource URL holds no secret that could end up in a log.
    /// </summary>
    public const string TicketCookie = "mg-events-ticket";

    private const string StreamPath = "/api/v1/events";

    /// <summary>Maps the endpoints on <c>/api/v1</c>: the ticket needs a user key; the stream a ticket (query or cookie) or a user key.</summary>
    public static RouteGroupBuilder MapEventsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/events/ticket", Ticket).RequireKey(KeyRequirement.User);
        api.MapGet("/events", Stream);
        return api;
    }

    private static async Task<Ok<EventTicket>> Ticket(HttpContext http, ClaimsPrincipal user, EventTickets tickets)
    {
        var ticket = await tickets.IssueAsync(user.Actor());
        http.Response.Cookies.Append(TicketCookie, ticket.Ticket, CookieOptions(http));
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(ticket);
    }

    private static async Task<ServerSentEventsResult<string>> Stream(
        HttpContext http,
        string? ticket,
        EventTickets tickets,
        IGrainFactory grains,
        EventBroadcaster broadcaster,
        StatsSampler stats,
        IOptions<JsonOptions> json,
        IHostApplicationLifetime lifetime,
        TimeProvider time)
    {
        var actor = await AuthenticateAsync(http, ticket, tickets);
        var stream = new EventStream(actor, grains, broadcaster, stats, json.Value.SerializerOptions, time);
        return TypedResults.ServerSentEvents(stream.ReadAllAsync(lifetime.ApplicationStopping));
    }

    /// <summary>The stream's principal, holding one of its stream slots until the response ends. A refused slot leaves a ticket unspent.</summary>
    private static async Task<Actor> AuthenticateAsync(HttpContext http, string? ticket, EventTickets tickets)
    {
        if (http.User.HasClaim(c => c.Type == GridClaims.PrincipalId))
        {
            var user = http.User.Actor();
            http.Response.RegisterForDisposeAsync(await tickets.TakeSlotAsync(user));
            return user;
        }
        if (http.Request.Headers.Authorization.Count > 0)
        {
            throw new DomainException(DomainErrorCode.Unauthenticated, "The bearer key is not a valid user API key.");
        }
        var presented = ticket ?? http.Request.Cookies[TicketCookie]
            ?? throw new DomainException(DomainErrorCode.Unauthenticated, "A ticket is required: POST /api/v1/events/ticket with your API key, then GET /api/v1/events?ticket=...");
        var redeemed = await tickets.RedeemAsync(presented);
        if (ticket is null)
        {
            http.Response.Cookies.Delete(TicketCookie, CookieOptions(http));
        }
        if (redeemed is not { } access)
        {
            throw new DomainException(DomainErrorCode.Unauthenticated, "The ticket is unknown, expired or already used; get a new one from POST /api/v1/events/ticket.");
        }
        http.Response.RegisterForDisposeAsync(access.Slot);
        return access.Actor;
    }

    private static CookieOptions CookieOptions(HttpContext http) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = http.Request.IsHttps,
        Path = StreamPath,
        MaxAge = EventTickets.Lifetime,
        IsEssential = true,
    };
}
