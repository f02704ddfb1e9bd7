namespace MachineGrid.Client;

/// <summary>How a flow ended, as the agent reports it.</summary>
public enum CompletionStatus
{
    /// <summary>The flow succeeded.</summary>
    Succeeded,
    /// <summary>The flow failed.</summary>
    Failed,
}
