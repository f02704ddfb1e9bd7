namespace MachineGrid.Grains;

/// <summary>A credential as stored. A local secret is kept only encrypted; vault secrets only by reference.</summary>
public sealed record CredentialState
{
    /// <summary>Display name.</summary>
    public string Name { get; init; } = "";

    /// <summary>The account the credential signs in as.</summary>
    public string Username { get; init; } = "";

    /// <summary>Where the secret lives.</summary>
    public CredentialStore Store { get; init; }

    /// <summary>The local secret, encrypted with ASP.NET Core Data Protection (Local store only).</summary>
    public string? ProtectedSecret { get; init; }

    /// <summary>The vault secret URI or CyberArk safe/object (vault stores only).</summary>
    public string? SecretRef { get; init; }

    /// <summary>Whether connections and mappings may use it.</summary>
    public bool UsableInConnections { get; init; }

    /// <summary>Owner and shares.</summary>
    public AccessList Access { get; init; } = new();

    /// <summary>The queues (groups, or machines' own queues) that took runs which may use it; each is told when it is deleted.</summary>
    public IReadOnlyList<string> Queues { get; init; } = [];

    /// <summary>The connections that keep this credential's option, told when it is deleted.</summary>
    public IReadOnlyList<string> Connections { get; init; } = [];

    /// <summary>Machine id → the failure the machine reported, until a co-owner clears it.</summary>
    public IReadOnlyDictionary<string, CredentialFailure> Failures { get; init; } = new Dictionary<string, CredentialFailure>();
}
