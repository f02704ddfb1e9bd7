using System.Text.Json.Serialization;

namespace MachineGrid.Grains;

/// <summary>
/// Persistent details of a machine group: name, access, password hash, members and credential plans. They change
/// rarely; the runs, which change on every lifecycle, are kept apart as one row each (<see cref="GroupRunRows"/>) so each write stays small.
/// </summary>
public sealed class GroupState
{
    /// <summary>Whether the group exists (solo queues exist once a machine attaches).</summary>
    public bool Created { get; set; }

    /// <summary>Group name.</summary>
    public string Name { get; set; } = "";

    /// <summary>Optional description.</summary>
    public string? Description { get; set; }

    /// <summary>Owner and shares.</summary>
    public AccessList Access { get; set; } = new();

    /// <summary>Group-wide maintenance: nothing new is assigned.</summary>
    public bool Maintenance { get; set; }

    /// <summary>Salted hash of the group password; null until the first machine joins.</summary>
    public GroupPassword? Password { get; set; }

    /// <summary>Member machines by id.</summary>
    public Dictionary<string, MemberState> Members { get; set; } = [];

    /// <summary>The latest credential plan of each credential or mapping that queued runs use, by source id.</summary>
    public Dictionary<string, CredentialPlan> Plans { get; set; } = [];

    /// <summary>The connections that keep grants read from this group, told when its access changes.</summary>
    public HashSet<string> AccessWatchers { get; set; } = [];
}

/// <summary>A member machine: what it reported, and the runs this group placed on it.</summary>
public sealed class MemberState
{
    /// <summary>The machine's last reported availability.</summary>
    public required MachineAvailability Machine { get; set; }

    /// <summary>Usernames of the runs placed on it, by run id; rebuilt from the assigned runs on activation, not stored.</summary>
    [JsonIgnore]
    public Dictionary<string, string> BusyUsers { get; set; } = [];
}

/// <summary>A queued run and its place in the queue.</summary>
public sealed class QueuedEntry
{
    /// <summary>The run.</summary>
    public required GroupRun Run { get; set; }

    /// <summary>Queue rank: 0 for runs moved to the top, then 1 High, 2 Normal, 3 Low.</summary>
    public int Rank { get; set; }

    /// <summary>Order within the rank.</summary>
    public long Order { get; set; }

    /// <summary>Attempts made so far (a machine lost mid-run counts one).</summary>
    public int Attempts { get; set; }
}

/// <summary>A run placed on a member machine.</summary>
public sealed class AssignedEntry
{
    /// <summary>The run.</summary>
    public required GroupRun Run { get; set; }

    /// <summary>The machine it runs on.</summary>
    public required string MachineId { get; set; }

    /// <summary>The credential it signs in with.</summary>
    public required CredentialOption Credential { get; set; }

    /// <summary>When it was assigned.</summary>
    public DateTimeOffset AssignedAt { get; set; }

    /// <summary>When the agent acknowledged the start; null while not started.</summary>
    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>When the agent must have acknowledged the start.</summary>
    public DateTimeOffset AcknowledgeBy { get; set; }

    /// <summary>Whether the agent acknowledged the start.</summary>
    public bool Started { get; set; }

    /// <summary>When a started run times out (its start plus its run timeout).</summary>
    public DateTimeOffset? RunDeadline { get; set; }

    /// <summary>Attempts including this one.</summary>
    public int Attempts { get; set; }
}
