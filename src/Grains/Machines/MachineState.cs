using System.Text.Json.Serialization;

namespace MachineGrid.Grains;

/// <summary>Persistent state of a machine. The machine key is kept only as a SHA-256 hash.</summary>
public sealed class MachineState
{
    /// <summary>Whether the machine is registered.</summary>
    public bool Created { get; set; }

    /// <summary>Machine name.</summary>
    public string Name { get; set; } = "";

    /// <summary>Optional description.</summary>
    public string? Description { get; set; }

    /// <summary>Desktop or server.</summary>
    public MachineKind Kind { get; set; }

    /// <summary>Sessions it may run at once.</summary>
    public int MaxSessions { get; set; } = 1;

    /// <summary>Agent version.</summary>
    public string AgentVersion { get; set; } = "";

    /// <summary>Operating system.</summary>
    public string Os { get; set; } = "";

    /// <summary>Hardware identity from registration.</summary>
    public string Fingerprint { get; set; } = "";

    /// <summary>SHA-256 of the machine key, base64.</summary>
    public string KeyHash { get; set; } = "";

    /// <summary>Owner and shares (used while the machine is in no group).</summary>
    public AccessList Access { get; set; } = new();

    /// <summary>The group it belongs to, if any.</summary>
    public string? GroupId { get; set; }

    /// <summary>Machine-level maintenance.</summary>
    public bool Maintenance { get; set; }

    /// <summary>Whether its agent heartbeats.</summary>
    public bool Online { get; set; }

    /// <summary>Last heartbeat.</summary>
    public DateTimeOffset? LastHeartbeat { get; set; }

    /// <summary>The agent process that holds the identity.</summary>
    public string? AgentInstanceId { get; set; }

    /// <summary>Users with an open session.</summary>
    public List<string> SignedInUsers { get; set; } = [];

    /// <summary>Credentials that failed to sign in here, with the reason.</summary>
    public Dictionary<string, string> FailedCredentials { get; set; } = [];

    /// <summary>The mapping that claimed the machine, if any.</summary>
    public string? MappingId { get; set; }

    /// <summary>Connections that target the machine directly.</summary>
    public List<string> DirectConnections { get; set; } = [];

    /// <summary>Runs placed here and not ended, by id. Not stored: the group holds them, and activation rebuilds this.</summary>
    [JsonIgnore]
    public Dictionary<string, Assignment> Runs { get; set; } = [];

    /// <summary>Run ids whose assignment the agent has not taken yet (not stored).</summary>
    [JsonIgnore]
    public List<string> Pending { get; set; } = [];

    /// <summary>Run ids the agent has started (not stored).</summary>
    [JsonIgnore]
    public List<string> Started { get; set; } = [];
}
