namespace MachineGrid.Grains;

/// <summary>Access a principal has to one resource, weakest first.</summary>
[GenerateSerializer, Alias("mg.ResourceAccess")]
public enum ResourceAccess
{
    /// <summary>May use the resource (run flows on a group or machine; use a credential in connections).</summary>
    User = 1,
    /// <summary>Credentials and mappings only: User, and may share it.</summary>
    UserShare = 2,
    /// <summary>Full permissions except ownership.</summary>
    CoOwner = 3,
    /// <summary>The creator.</summary>
    Owner = 4,
}
