namespace MachineGrid.Grains;

/// <summary>Persistent state of a run.</summary>
public sealed class RunState
{
    /// <summary>Whether the run was submitted.</summary>
    public bool Created { get; set; }

    /// <summary>Who submitted it.</summary>
    public PrincipalRef Submitter { get; set; } = new("", "");

    /// <summary>The connection it was submitted through.</summary>
    public string ConnectionId { get; set; } = "";

    /// <summary>The flow.</summary>
    public string FlowId { get; set; } = "";

    /// <summary>Flow inputs (JSON text).</summary>
    public string? Inputs { get; set; }

    /// <summary>Attended or unattended.</summary>
    public RunMode RunMode { get; set; }

    /// <summary>Queue priority.</summary>
    public RunPriority Priority { get; set; }

    /// <summary>The group (or solo queue) that schedules it.</summary>
    public string GroupId { get; set; } = "";

    /// <summary>Current status.</summary>
    public RunStatus Status { get; set; }

    /// <summary>Reason code of the current status.</summary>
    public string StatusReason { get; set; } = RunStatusReason.Waiting;

    /// <summary>The machine it was assigned to.</summary>
    public string? MachineId { get; set; }

    /// <summary>The credential it signs in with.</summary>
    public CredentialOption? Credential { get; set; }

    /// <summary>When it entered the queue.</summary>
    public DateTimeOffset EnqueuedAt { get; set; }

    /// <summary>When it was last assigned.</summary>
    public DateTimeOffset? AssignedAt { get; set; }

    /// <summary>When the agent started it.</summary>
    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>Times it was started.</summary>
    public int Attempts { get; set; }

    /// <summary>How many starts it may have.</summary>
    public int MaxAttempts { get; set; } = 1;

    /// <summary>Longest time running.</summary>
    public TimeSpan RunTimeout { get; set; }

    /// <summary>
    /// The credential or mapping whose plan the run uses, kept until it is first assigned (its group has it from then
    /// on); a run activated while still queued with it set enqueues itself again with that source's current plan.
    /// </summary>
    public string? PlanSource { get; set; }

    /// <summary>Whether <see cref="PlanSource"/> is a machine mapping (else a credential).</summary>
    public bool PlanFromMapping { get; set; }

    /// <summary>When it times out in the queue.</summary>
    public DateTimeOffset QueueDeadline { get; set; }

    /// <summary>The status the run index last recorded (null before the first index write).</summary>
    public RunStatus? IndexedStatus { get; set; }

    /// <summary>Flow outputs (JSON text).</summary>
    public string? Outputs { get; set; }

    /// <summary>Error the agent reported.</summary>
    public string? Error { get; set; }

    /// <summary>The run's view, as lists and callers see it.</summary>
    public RunView ToView(string runId) => new(
        runId,
        Status,
        StatusReason,
        FlowId,
        RunMode,
        GroupIds.IsSolo(GroupId) ? null : GroupId,
        MachineId,
        Credential is { } c ? new CredentialUsed(c.Name, c.Username) : null,
        Priority,
        EnqueuedAt,
        AssignedAt,
        StartedAt,
        EndedAt,
        Attempts,
        MaxAttempts,
        Outputs,
        Error,
        Submitter);

    /// <summary>Takes on the record of a run that ended: the view it was filed with when it ended.</summary>
    public void Adopt(RunView ended)
    {
        Status = ended.Status;
        StatusReason = ended.StatusReason;
        MachineId = ended.MachineId;
        Credential = ended.Credential is { } used ? new CredentialOption("", used.Name, used.Username) : null;
        Priority = ended.Priority;
        AssignedAt = ended.AssignedAt;
        StartedAt = ended.StartedAt;
        EndedAt = ended.EndedAt;
        Attempts = ended.Attempts;
        Outputs = ended.Outputs;
        Error = ended.Error;
        IndexedStatus = ended.Status;
    }
}
