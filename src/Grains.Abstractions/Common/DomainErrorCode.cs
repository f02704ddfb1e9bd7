namespace MachineGrid.Grains;

/// <summary>Stable error codes of domain operations; the gateway returns them as the problem <c>code</c>.</summary>
[GenerateSerializer, Alias("mg.DomainErrorCode")]
public enum DomainErrorCode
{
    /// <summary>The request is malformed or out of range.</summary>
    Validation,
    /// <summary>The resource does not exist (or the caller may not know it exists).</summary>
    NotFound,
    /// <summary>The caller's roles or access do not allow the action.</summary>
    Forbidden,
    /// <summary>The resource already exists.</summary>
    AlreadyExists,
    /// <summary>The group already holds its maximum number of machines.</summary>
    GroupFull,
    /// <summary>The group password is wrong.</summary>
    WrongGroupPassword,
    /// <summary>The group still has machines.</summary>
    GroupNotEmpty,
    /// <summary>The machine already belongs to another mapping.</summary>
    MachineAlreadyMapped,
    /// <summary>A mapping cannot contain a mapping.</summary>
    NestedMapping,
    /// <summary>Only credentials usable in connections may be used here.</summary>
    CredentialNotUsableInConnections,
    /// <summary>Another live agent presents this machine's identity (a cloned machine).</summary>
    MachineIdentityConflict,
    /// <summary>The connection is broken (its target machine joined a group).</summary>
    ConnectionBroken,
    /// <summary>The operation does not fit the resource's current state.</summary>
    InvalidState,
    /// <summary>The machine key is wrong.</summary>
    Unauthenticated,
}
