using Microsoft.Extensions.Logging;

namespace MachineGrid.Grains;

/// <summary>
/// Checks who calls from outside the cluster. Grains, and the gateway co-hosted in a silo (Orleans' hosted client,
/// whose id starts with <c>hosted-</c>), are trusted: the gateway authenticated the request itself. Any other client
/// must send a principal's API key (<see cref="GrainClientIdentity.UseMachineGridApiKey"/>), may call only the grid's
/// methods that take an <see cref="Actor"/>, and every actor it passes must be exactly that key's principal. So a grain
/// client goes through the same permission tables as a REST caller and can never speak as someone else. Orleans' system
/// targets (the cluster manifest a client reads as it connects) are left to Orleans.
/// </summary>
internal sealed partial class CallerIdentityFilter(ApiKeys keys, ILogger<CallerIdentityFilter> logger) : IIncomingGrainCallFilter
{
    private static readonly System.Reflection.Assembly GridInterfaces = typeof(IMachineGrain).Assembly;

    // Not async on the path every grain-to-grain call takes, so it adds no state machine to those calls.
    public Task Invoke(IIncomingGrainCallContext context) =>
        context.SourceId is { } source && source.IsClient() && !IsSiloClient(source) && !context.TargetId.IsSystemTarget()
            ? DemandThenInvokeAsync(context)
            : context.Invoke();

    private async Task DemandThenInvokeAsync(IIncomingGrainCallContext context)
    {
        await DemandAsync(context);
        await context.Invoke();
    }

    private static bool IsSiloClient(GrainId source) => source.Key.AsSpan().StartsWith("hosted-"u8);

    private async Task DemandAsync(IIncomingGrainCallContext context)
    {
        var method = context.InterfaceMethod;
        var actors = Enumerable.Range(0, context.Request.GetArgumentCount()).Select(context.Request.GetArgument).OfType<Actor>().ToList();
        if (method.DeclaringType?.Assembly != GridInterfaces || actors.Count == 0)
        {
            LogRefused(logger, method.DeclaringType?.Name, method.Name, "not callable by grain clients");
            throw new DomainException(DomainErrorCode.Forbidden, $"{method.DeclaringType?.Name}.{method.Name} is not callable by grain clients.");
        }
        var principal = RequestContext.Get(GrainClientIdentity.ApiKeyHeader) is string { Length: > 0 and <= 200 } key ? await keys.FindAsync(key) : null;
        if (principal is null)
        {
            LogRefused(logger, method.DeclaringType?.Name, method.Name, "no valid API key");
            throw new DomainException(DomainErrorCode.Unauthenticated, "A grain client must send a valid API key (UseMachineGridApiKey).");
        }
        var caller = new Actor(principal.Id, principal.Name, principal.Roles);
        if (actors.Any(actor => actor != caller))
        {
            LogRefused(logger, method.DeclaringType?.Name, method.Name, $"actor is not principal {principal.Id}");
            throw new DomainException(DomainErrorCode.Forbidden, $"The actor passed must be the API key's principal ({principal.Id}, with its roles).");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a grain client's call to {Interface}.{Method}: {Reason}.")]
    private static partial void LogRefused(ILogger logger, string? @interface, string method, string reason);
}
