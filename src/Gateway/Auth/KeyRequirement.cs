using System.Security.Claims;

namespace MachineGrid.Gateway;

/// <summary>Endpoint metadata: the kind of key an endpoint accepts. Endpoints without it accept any caller.</summary>
/// <param name="Claim">The claim the caller's key must carry: <see cref="GridClaims.PrincipalId"/> or <see cref="GridClaims.MachineId"/>.</param>
public sealed record KeyRequirement(string Claim)
{
    /// <summary>User API keys only.</summary>
    public static KeyRequirement User { get; } = new(GridClaims.PrincipalId);

    /// <summary>Machine keys only.</summary>
    public static KeyRequirement Machine { get; } = new(GridClaims.MachineId);

    /// <summary>Whether <paramref name="caller"/> holds a key of this kind.</summary>
    public bool IsMetBy(ClaimsPrincipal caller) => caller.FindFirst(Claim) is not null;
}

/// <summary>Puts a <see cref="KeyRequirement"/> on endpoints.</summary>
public static class KeyRequirementExtensions
{
    /// <summary>Lets only callers with a key of <paramref name="requirement"/>'s kind reach the endpoints of <paramref name="builder"/>.</summary>
    public static TBuilder RequireKey<TBuilder>(this TBuilder builder, KeyRequirement requirement) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(requirement);
}
