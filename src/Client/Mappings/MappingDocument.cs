namespace MachineGrid.Client;

/// <summary>A portable mapping, by machine and credential names, as export returns it and import takes it.</summary>
public sealed record MappingDocument(string Name, string? Description, string DefaultCredentialName, IReadOnlyList<ExportedMachineCredentials> Machines);
