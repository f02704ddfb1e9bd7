namespace MachineGrid.Silo;

/// <summary>A setting or the environment keeps the silo from starting; the message says which and what to do.</summary>
public sealed class SiloStartupException(string message) : Exception(message);
