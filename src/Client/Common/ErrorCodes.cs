namespace MachineGrid.Client;

/// <summary>Stable error codes the gateway returns in <see cref="MachineGridException.Code"/>.</summary>
public static class ErrorCodes
{
    /// <summary>The request is malformed or out of range.</summary>
    public const string Validation = "Validation";
    /// <summary>The resource does not exist (or the caller may not know it exists).</summary>
    public const string NotFound = "NotFound";
    /// <summary>The caller's roles or access do not allow the action.</summary>
    public const string Forbidden = "Forbidden";
    /// <summary>The resource already exists.</summary>
    public const string AlreadyExists = "AlreadyExists";
    /// <summary>The group already holds its maximum number of machines.</summary>
    public const string GroupFull = "GroupFull";
    /// <summary>The group password is wrong.</summary>
    public const string WrongGroupPassword = "WrongGroupPassword";
    /// <summary>The group still has machines.</summary>
    public const string GroupNotEmpty = "GroupNotEmpty";
    /// <summary>The machine already belongs to another mapping.</summary>
    public const string MachineAlreadyMapped = "MachineAlreadyMapped";
    /// <summary>A mapping cannot contain a mapping.</summary>
    public const string NestedMapping = "NestedMapping";
    /// <summary>Only credentials usable in connections may be used here.</summary>
    public const string CredentialNotUsableInConnections = "CredentialNotUsableInConnections";
    /// <summary>Another live agent presents this machine's identity.</summary>
    public const string MachineIdentityConflict = "MachineIdentityConflict";
    /// <summary>The connection is broken.</summary>
    public const string ConnectionBroken = "ConnectionBroken";
    /// <summary>The operation does not fit the resource's current state.</summary>
    public const string InvalidState = "InvalidState";
}
