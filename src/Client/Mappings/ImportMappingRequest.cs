namespace MachineGrid.Client;

/// <summary>The body of <c>POST /mappings/import</c>.</summary>
public sealed record ImportMappingRequest(MappingDocument Document);
