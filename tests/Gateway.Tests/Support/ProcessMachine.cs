using System.Net;

namespace MachineGrid.Gateway.Tests;

/// <summary>A machine of a <see cref="SiloProcess"/>, registered over HTTP, with its key and an agent client for that silo.</summary>
public sealed record ProcessMachine(string Id, string Key, string Fingerprint, ApiClient Agent)
{
    /// <summary>Registers a desktop machine with <paramref name="admin"/>, joins it to the group, and heartbeats once.</summary>
    public static async Task<ProcessMachine> EnrollAsync(SiloProcess silo, ApiClient admin, string groupId)
    {
        var fingerprint = Grid.Unique("fp");
        var created = (await admin.PostAsync("api/v1/machines", new { name = "pc-1", kind = "Desktop", agentVersion = "2.50", os = "Windows 11", fingerprint }))
            .Is(HttpStatusCode.Created);
        (await admin.PutAsync($"api/v1/machines/{created.Id}/group", new { groupId, password = Grid.Password })).Is(HttpStatusCode.NoContent);
        var machine = new ProcessMachine(created.Id, created.Text("machineKey"), fingerprint, new ApiClient(silo.Client(created.Text("machineKey"))));
        await machine.HeartbeatAsync();
        return machine;
    }

    /// <summary>The same machine's agent, connecting to <paramref name="silo"/> (after a restart), heartbeating once.</summary>
    public async Task<ProcessMachine> ReconnectAsync(SiloProcess silo)
    {
        var machine = this with { Agent = new ApiClient(silo.Client(Key)) };
        await machine.HeartbeatAsync();
        return machine;
    }

    /// <summary>Reports the agent alive, with no sessions.</summary>
    public async Task HeartbeatAsync() =>
        (await Agent.PostAsync("api/v1/agent/heartbeat", new { agentInstanceId = "agent-1", fingerprint = Fingerprint, sessions = Array.Empty<object>() })).Is(HttpStatusCode.OK);
}
