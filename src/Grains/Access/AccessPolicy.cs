namespace MachineGrid.Grains;

/// <summary>
/// The seed's two permission tables. An action is allowed when the actor's environment roles allow it and, for an
/// existing resource, the actor's access to that resource allows it. Environment Admins may do everything.
/// </summary>
public static class AccessPolicy
{
    /// <summary>Whether the roles allow the action ("Update permissions based on security role").</summary>
    public static bool RolesAllow(EnvironmentRoles roles, GridAction action)
    {
        if (roles.HasFlag(EnvironmentRoles.EnvironmentAdmin))
        {
            return true;
        }
        // Environment Makers have the Desktop Flows Machine Owner's actions by default.
        if ((roles & (EnvironmentRoles.MachineOwner | EnvironmentRoles.EnvironmentMaker)) != 0)
        {
            return true;
        }
        return action switch
        {
            GridAction.RunFlow or GridAction.UseCredential => (roles & (EnvironmentRoles.MachineUser | EnvironmentRoles.MachineUserCanShare)) != 0,
            GridAction.ShareMachine or GridAction.ShareGroup or GridAction.ShareCredential => roles.HasFlag(EnvironmentRoles.MachineUserCanShare),
            _ => false,
        };
    }

    /// <summary>Whether a level of access to the resource allows the action (the co-owner/user tables).</summary>
    public static bool AccessAllows(ResourceAccess? access, GridAction action) => access is { } level && level >= Needed(action);

    /// <summary>
    /// Throws <see cref="DomainErrorCode.Forbidden"/> unless the actor may perform the action on a resource it has
    /// <paramref name="access"/> to: the <paramref name="kind"/> and <paramref name="id"/> a refusal names.
    /// </summary>
    public static void Demand(Actor actor, ResourceAccess? access, GridAction action, string kind, string id)
    {
        if (actor.IsAdmin)
        {
            return;
        }
        if (!RolesAllow(actor.Roles, action))
        {
            throw new DomainException(DomainErrorCode.Forbidden, $"{actor.Name} lacks a security role that allows {action}.");
        }
        if (!AccessAllows(access, action))
        {
            var has = access?.ToString() ?? "no access";
            throw new DomainException(DomainErrorCode.Forbidden, $"{action} on {kind} {id} needs {Needed(action)} access; {actor.Name} has {has}.");
        }
    }

    /// <summary>Throws <see cref="DomainErrorCode.Forbidden"/> unless the actor's roles allow an action that needs no resource access (register, create).</summary>
    public static void DemandRole(Actor actor, GridAction action)
    {
        if (!RolesAllow(actor.Roles, action))
        {
            throw new DomainException(DomainErrorCode.Forbidden, $"{actor.Name} lacks a security role that allows {action}.");
        }
    }

    /// <summary>The weakest access that allows the action.</summary>
    public static ResourceAccess Needed(GridAction action) => action switch
    {
        GridAction.RunFlow or GridAction.UseCredential => ResourceAccess.User,
        GridAction.ShareCredential => ResourceAccess.UserShare,
        _ => ResourceAccess.CoOwner,
    };
}
