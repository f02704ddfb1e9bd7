namespace MachineGrid.Runtime;

/// <summary>Stored state could not be turned back into its type. Nothing is written.</summary>
public sealed class StateDeserializationException(GrainId grainId, string stateName, Exception inner)
    : Exception($"State '{stateName}' of grain {grainId} could not be deserialized: {inner.Message}", inner);
