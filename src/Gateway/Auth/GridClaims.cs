using System.Security.Claims;
using MachineGrid.Grains;

namespace MachineGrid.Gateway;

/// <summary>The claims the gateway puts on authenticated callers, and how endpoints read them back.</summary>
public static class GridClaims
{
    /// <summary>The authentication type of the callers' identities.</summary>
    public const string Scheme = "MachineGrid";

    /// <summary>Claim holding the principal id of a user key.</summary>
    public const string PrincipalId = "mg:principal";

    /// <summary>Claim holding the environment roles of a user key.</summary>
    public const string Roles = "mg:roles";

    /// <summary>Claim holding the machine id of a machine key.</summary>
    public const string MachineId = "mg:machine";

    /// <summary>The calling principal as the domain's actor.</summary>
    public static Actor Actor(this ClaimsPrincipal user) => new(
        user.FindFirstValue(PrincipalId) ?? throw new InvalidOperationException("Not a user principal."),
        user.Identity?.Name ?? "",
        Enum.Parse<EnvironmentRoles>(user.FindFirstValue(Roles) ?? nameof(EnvironmentRoles.None)));

    /// <summary>The calling machine's id.</summary>
    public static string Machine(this ClaimsPrincipal user) =>
        user.FindFirstValue(MachineId) ?? throw new InvalidOperationException("Not a machine.");
}
