namespace MachineGrid.Grains;

/// <summary>The result of registering a machine: the machine and its key, shown this once and stored only as a hash.</summary>
public sealed record MachineRegistration(MachineView Machine, string MachineKey);
