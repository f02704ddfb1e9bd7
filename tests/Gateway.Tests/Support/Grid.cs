using System.Net;

namespace MachineGrid.Gateway.Tests;

/// <summary>Builds the resources tests need through the public API, asserting each step succeeded.</summary>
public sealed class Grid(GatewayHost host, Action<ApiResponse>? observe = null)
{
    /// <summary>The password groups get when a test does not care.</summary>
    public const string Password = "correct-horse-battery";

    /// <summary>The bootstrap Environment Admin.</summary>
    public ApiClient Admin { get; } = new(host.Client(host.AdminKey), observe);

    /// <summary>A client with the given key (none when null).</summary>
    public ApiClient As(string? key) => new(host.Client(key), observe);

    /// <summary>A readable name that no other test uses.</summary>
    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..12]}";

    /// <summary>Creates a principal with the roles.</summary>
    public async Task<Principal> PrincipalAsync(params string[] roles)
    {
        var created = (await Admin.PostAsync("api/v1/principals", new { name = Unique("user"), roles })).Is(HttpStatusCode.Created);
        var key = created.Text("apiKey");
        return new Principal(created.Id, key, As(key));
    }

    /// <summary>Creates a group; returns its id.</summary>
    public async Task<string> GroupAsync(ApiClient? by = null, string? name = null) =>
        (await (by ?? Admin).PostAsync("api/v1/groups", new { name = name ?? Unique("group"), description = "made by a test" })).Is(HttpStatusCode.Created).Id;

    /// <summary>Registers a machine.</summary>
    public async Task<Machine> MachineAsync(ApiClient? by = null, string kind = "Desktop", int? maxSessions = null)
    {
        var name = Unique("machine");
        var fingerprint = Unique("fp");
        var registered = (await (by ?? Admin).PostAsync("api/v1/machines", new
        {
            name,
            description = "a test machine",
            kind,
            maxSessions,
            agentVersion = "2.0.0",
            os = "Windows Server 2022",
            fingerprint,
        })).Is(HttpStatusCode.Created);
        var key = registered.Text("machineKey");
        return new Machine(registered.Id, name, key, fingerprint, Guid.NewGuid().ToString("N"), As(key));
    }

    /// <summary>Puts the machine in the group.</summary>
    public async Task JoinAsync(Machine machine, string groupId, ApiClient? by = null, string password = Password) =>
        (await (by ?? Admin).PutAsync($"api/v1/machines/{machine.Id}/group", new { groupId, password })).Is(HttpStatusCode.NoContent);

    /// <summary>Creates a Local credential; returns its id.</summary>
    public async Task<string> CredentialAsync(ApiClient? by = null, string? username = null, string? secret = null, bool usableInConnections = true, string? name = null) =>
        (await (by ?? Admin).PostAsync("api/v1/credentials", new
        {
            name = name ?? Unique("cred"),
            username = username ?? Unique("svc"),
            store = "Local",
            secret = secret ?? Unique("secret"),
            usableInConnections,
        })).Is(HttpStatusCode.Created).Id;

    /// <summary>Creates a connection to a group with a credential; returns its id.</summary>
    public async Task<string> GroupConnectionAsync(string groupId, string credentialId, ApiClient? by = null) =>
        (await (by ?? Admin).PostAsync("api/v1/connections", new { name = Unique("conn"), target = new { groupId }, credentialId })).Is(HttpStatusCode.Created).Id;

    /// <summary>Submits an unattended run; returns the 202 response.</summary>
    public async Task<ApiResponse> SubmitAsync(string connectionId, ApiClient? by = null, string? idempotencyKey = null, string priority = "Normal", object? inputs = null) =>
        (await (by ?? Admin).PostAsync("api/v1/runs", new { connectionId, flowId = "invoice-flow", inputs, runMode = "Unattended", priority, idempotencyKey }))
            .Is(HttpStatusCode.Accepted);

    /// <summary>Sends the machine's heartbeat with the signed-in users.</summary>
    public static async Task<ApiResponse> HeartbeatAsync(Machine machine, params string[] users) =>
        (await machine.Agent.PostAsync("api/v1/agent/heartbeat", new
        {
            agentInstanceId = machine.AgentInstanceId,
            fingerprint = machine.Fingerprint,
            sessions = users.Select(user => new { user }).ToArray(),
        })).Is(HttpStatusCode.OK);

    /// <summary>Long-polls for the machine's next assignment and asserts one arrives.</summary>
    public static async Task<ApiResponse> TakeAsync(Machine machine, int waitSeconds = 10) =>
        (await machine.Agent.GetAsync($"api/v1/agent/assignments?waitSeconds={waitSeconds}")).Is(HttpStatusCode.OK);

    /// <summary>A group with online machines, a credential and a connection to it.</summary>
    public async Task<OnlineGroup> OnlineGroupAsync(int machines = 1, string? secret = null)
    {
        var groupId = await GroupAsync();
        var members = new List<Machine>();
        for (var i = 0; i < machines; i++)
        {
            var machine = await MachineAsync();
            await JoinAsync(machine, groupId);
            await HeartbeatAsync(machine);
            members.Add(machine);
        }
        var username = Unique("svc");
        var credentialId = await CredentialAsync(username: username, secret: secret);
        var connectionId = await GroupConnectionAsync(groupId, credentialId);
        return new OnlineGroup(groupId, members, credentialId, username, connectionId);
    }
}
