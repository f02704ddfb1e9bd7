namespace MachineGrid.Grains;

/// <summary>A connection as stored: a target (machine or group) and a credential or mapping.</summary>
public sealed record ConnectionState
{
    /// <summary>Display name.</summary>
    public string Name { get; init; } = "";

    /// <summary>The target machine, when it targets one machine.</summary>
    public string? MachineId { get; init; }

    /// <summary>The target group, when it targets a group.</summary>
    public string? GroupId { get; init; }

    /// <summary>The single credential, when it uses one.</summary>
    public string? CredentialId { get; init; }

    /// <summary>The mapping, when it uses one.</summary>
    public string? MappingId { get; init; }

    /// <summary>Whether it is broken (its target machine joined a group).</summary>
    public bool Broken { get; init; }

    /// <summary>Why it is broken.</summary>
    public string? BrokenReason { get; init; }

    /// <summary>Who created it.</summary>
    public PrincipalRef? Owner { get; init; }
}
