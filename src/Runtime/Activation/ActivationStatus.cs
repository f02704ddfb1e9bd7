namespace MachineGrid.Runtime.Activation;

/// <summary>Lifecycle of an activation.</summary>
internal enum ActivationStatus
{
    /// <summary>In the catalog, nothing run yet.</summary>
    Created,
    /// <summary>Loading state and running OnActivateAsync; requests wait.</summary>
    Activating,
    /// <summary>Serving requests.</summary>
    Valid,
    /// <summary>Running OnDeactivateAsync and writing state; requests wait for the next activation.</summary>
    Deactivating,
    /// <summary>Gone from the catalog; requests sent to it go to a new activation.</summary>
    Invalid,
}
