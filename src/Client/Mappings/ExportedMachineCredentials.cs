namespace MachineGrid.Client;

/// <summary>One machine's credentials in a <see cref="MappingDocument"/>, by name.</summary>
public sealed record ExportedMachineCredentials(string MachineName, IReadOnlyList<string> CredentialNames);
