namespace MachineGrid.Runtime;

/// <summary>Why an activation is being deactivated.</summary>
public enum DeactivationReasonCode
{
    /// <summary>The grain asked for it with <c>DeactivateOnIdle</c>.</summary>
    ApplicationRequested,
    /// <summary>It was idle longer than its collection age.</summary>
    IdleCollection,
    /// <summary>The silo is shutting down.</summary>
    ShuttingDown,
    /// <summary>A write found newer state in storage.</summary>
    InconsistentState,
    /// <summary>Activation failed.</summary>
    ActivationFailed,
}

/// <summary>Why an activation is being deactivated, with a description.</summary>
public readonly record struct DeactivationReason(DeactivationReasonCode Code, string Description)
{
    /// <inheritdoc />
    public override string ToString() => $"{Code}: {Description}";
}
