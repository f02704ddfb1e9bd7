namespace MachineGrid.Grains;

/// <summary>A portable mapping: the default credential and the mappings by machine name and credential name, remapped by name on import.</summary>
public sealed record MappingExport(string Name, string? Description, string DefaultCredentialName, IReadOnlyList<ExportedMachineCredentials> Machines);

/// <summary>One machine's credentials, by name.</summary>
public sealed record ExportedMachineCredentials(string MachineName, IReadOnlyList<string> CredentialNames);
