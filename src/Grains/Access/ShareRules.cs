namespace MachineGrid.Grains;

/// <summary>
/// Who may hand out or take away which level of access: nobody grants more than they hold (an owner grants at most
/// co-owner) nor removes a share above their own level. Environment Admins may do both at any level.
/// </summary>
internal static class ShareRules
{
    /// <summary>Throws <see cref="DomainErrorCode.Forbidden"/> unless an actor holding <paramref name="own"/> may grant <paramref name="requested"/>.</summary>
    public static void DemandGrant(Actor actor, ResourceAccess? own, ResourceAccess requested, string resource)
    {
        if (!actor.IsAdmin && (own is null || requested > own))
        {
            throw new DomainException(DomainErrorCode.Forbidden, $"{actor.Name} has {own?.ToString() ?? "no access"} on {resource} and cannot grant {requested}.");
        }
    }

    /// <summary>Throws <see cref="DomainErrorCode.Forbidden"/> unless an actor holding <paramref name="own"/> may remove a share of <paramref name="existing"/>.</summary>
    public static void DemandRevoke(Actor actor, ResourceAccess? own, ResourceAccess existing, string resource)
    {
        if (!actor.IsAdmin && (own is null || existing > own))
        {
            throw new DomainException(DomainErrorCode.Forbidden, $"{actor.Name} has {own?.ToString() ?? "no access"} on {resource} and cannot remove a {existing} share.");
        }
    }

    /// <summary>Validates a share request: a principal id and a defined level other than Owner.</summary>
    public static void ValidateShare(string principalId, ResourceAccess access)
    {
        Validate.Id(principalId, "principalId");
        Validate.Enum(access, "access");
        DomainException.Require(access != ResourceAccess.Owner, "Owner access cannot be shared; use CoOwner.");
    }
}
