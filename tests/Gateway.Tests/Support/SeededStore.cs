using System.Net;

namespace MachineGrid.Gateway.Tests;

/// <summary>
/// One of everything, made through the API: a group with a machine in it (never online, so nothing changes by itself),
/// a credential, a mapping over a second machine, a connection, a queued run and a plain user. Bad-input tests check that
/// none of it changes.
/// </summary>
public sealed record SeededStore(string GroupId, Machine Member, Machine Mapped, string CredentialId, string MappingId, string ConnectionId, string RunId, Principal User)
{
    /// <summary>Makes the resources.</summary>
    public static async Task<SeededStore> CreateAsync(Grid grid)
    {
        var groupId = await grid.GroupAsync();
        var member = await grid.MachineAsync();
        await grid.JoinAsync(member, groupId);
        var mapped = await grid.MachineAsync();
        var credentialId = await grid.CredentialAsync();
        var mappingId = (await grid.Admin.PostAsync("api/v1/mappings", new
        {
            name = Grid.Unique("mapping"),
            defaultCredentialId = credentialId,
            machines = new[] { new { machineId = mapped.Id, credentialIds = new[] { credentialId } } },
        })).Is(HttpStatusCode.Created).Id;
        var connectionId = await grid.GroupConnectionAsync(groupId, credentialId);
        var runId = (await grid.SubmitAsync(connectionId, inputs: new { seeded = true })).Id;
        var user = await grid.PrincipalAsync("MachineUser");
        return new SeededStore(groupId, member, mapped, credentialId, mappingId, connectionId, runId, user);
    }

    /// <summary>Every GET that shows the state of the store: the lists, each resource, the queue, the export and the audit log.</summary>
    public IReadOnlyList<string> Paths =>
    [
        "api/v1/groups", "api/v1/machines", "api/v1/credentials", "api/v1/mappings", "api/v1/runs", "api/v1/audit",
        $"api/v1/groups/{GroupId}", $"api/v1/groups/{GroupId}/machines", $"api/v1/groups/{GroupId}/queue",
        $"api/v1/machines/{Member.Id}", $"api/v1/machines/{Mapped.Id}", $"api/v1/credentials/{CredentialId}",
        $"api/v1/mappings/{MappingId}", $"api/v1/mappings/{MappingId}/export", $"api/v1/connections/{ConnectionId}", $"api/v1/runs/{RunId}",
    ];

    /// <summary>The whole visible state, as text: every page of every list and every single resource.</summary>
    public async Task<string> SnapshotAsync(ApiClient admin)
    {
        var text = new System.Text.StringBuilder();
        foreach (var path in Paths)
        {
            string? cursor = null;
            do
            {
                var page = (await admin.GetAsync(cursor is null ? path : $"{path}?cursor={Uri.EscapeDataString(cursor)}")).Is(HttpStatusCode.OK);
                text.Append(path).Append(" => ").AppendLine(page.Body);
                cursor = page.Json.TryGetProperty("next", out var next) ? next.GetString() : null;
            }
            while (cursor is not null);
        }
        return text.ToString();
    }
}
