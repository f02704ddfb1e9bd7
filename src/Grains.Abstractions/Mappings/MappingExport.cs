namespace MachineGrid.Grains;

/// <summary>A portable mapping: the default credential and the mappings by machine name and credential name, remapped by name on import.</summary>
[GenerateSerializer, Immutable, Alias("mg.MappingExport")]
public sealed record MappingExport(string Name, string? Description, string DefaultCredentialName, IReadOnlyList<ExportedMachineCredentials> Machines);

/// <summary>One machine's credentials, by name.</summary>
[GenerateSerializer, Immutable, Alias("mg.ExportedMachineCredentials")]
public sealed record ExportedMachineCredentials(string MachineName, IReadOnlyList<string> CredentialNames);
