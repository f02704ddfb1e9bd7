namespace MachineGrid.Grains;

/// <summary>The result of registering a machine: the machine and its key, shown this once and stored only as a hash.</summary>
[GenerateSerializer, Immutable, Alias("mg.MachineRegistration")]
public sealed record MachineRegistration(MachineView Machine, string MachineKey);
