namespace MachineGrid.Grains;

/// <summary>A resource's owner and shares, kept in the resource's state.</summary>
public sealed class AccessList
{
    /// <summary>The owner.</summary>
    public PrincipalRef? Owner { get; set; }

    /// <summary>Principal id → access granted by sharing.</summary>
    public Dictionary<string, ResourceAccess> Shares { get; set; } = [];

    /// <summary>The principal's access: Owner for the owner, else its share; null for none.</summary>
    public ResourceAccess? Of(string principalId) =>
        Owner?.Id == principalId ? ResourceAccess.Owner : Shares.TryGetValue(principalId, out var access) ? access : null;

    /// <summary>Grants access (Owner cannot be granted; the owner's own entry is not changed).</summary>
    public void Grant(string principalId, ResourceAccess access)
    {
        DomainException.Require(access != ResourceAccess.Owner, "Owner access cannot be shared; use CoOwner.");
        if (Owner?.Id != principalId)
        {
            Shares[principalId] = access;
        }
    }

    /// <summary>The owner and every share holder, as a snapshot.</summary>
    public IReadOnlyCollection<string> Principals() => [.. Shares.Keys.Prepend(Owner?.Id ?? "").Where(id => id.Length > 0).Distinct()];

    /// <summary>Removes a share; returns whether one existed.</summary>
    public bool Revoke(string principalId) => Shares.Remove(principalId);
}
