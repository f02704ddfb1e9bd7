namespace MachineGrid.Client;

/// <summary>Filters and paging of <c>GET /runs</c>; every field is optional. Runs come newest first.</summary>
public sealed record RunQuery(string? GroupId = null, string? MachineId = null, RunStatus? Status = null, int? Limit = null, string? Cursor = null);
