using Microsoft.Extensions.Time.Testing;

namespace MachineGrid.Grains.Tests;

/// <summary>Builds test scenarios on a test cluster: groups, registered machines with live agents, queued runs.</summary>
public sealed class Grid(GridCluster silo, Actor owner)
{
    public const string Password = "correct horse battery";

    public GridCluster Silo { get; } = silo;

    public Actor Owner { get; } = owner;

    public IGrainFactory Grains => Silo.GrainFactory;

    public FakeTimeProvider Clock => Silo.Clock;

    /// <summary>A grid on a cluster of its own (dispose its <see cref="Silo"/>), for tests that move the clock, restart, set options or read environment-wide results.</summary>
    public static async Task<Grid> StartAsync(Action<GridOptions>? configure = null) =>
        new(await GridSilo.StartAsync(configure: configure), Actors.Owner());

    public async Task<string> CreateGroupAsync(string name = "group")
    {
        var id = Ids.New("g");
        await Grains.GetGrain<IMachineGroupGrain>(id).Create(Owner, new CreateGroup(name, null));
        return id;
    }

    public async Task<string> RegisterAsync(string name, MachineKind kind = MachineKind.Desktop, int sessions = 1)
    {
        var id = Ids.New("m");
        await Grains.GetGrain<IMachineGrain>(id).Register(Owner, new RegisterMachine(name, null, kind, sessions, "2.50", "Windows 11", $"fp-{id}"));
        return id;
    }

    /// <summary>Registers machines, joins them to the group and brings their agents online.</summary>
    public async Task<string[]> AddMachinesAsync(string groupId, int count, MachineKind kind = MachineKind.Desktop, int sessions = 1)
    {
        var ids = new string[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = await RegisterAsync($"machine-{i}", kind, sessions);
            await Grains.GetGrain<IMachineGrain>(ids[i]).JoinGroup(Owner, groupId, Password);
            await HeartbeatAsync(ids[i]);
        }
        return ids;
    }

    public Task<MachineView> HeartbeatAsync(string machineId, params string[] users) =>
        Grains.GetGrain<IMachineGrain>(machineId).Heartbeat(new AgentHeartbeat($"agent-{machineId}", $"fp-{machineId}", users));

    /// <summary>A run queued straight into a group with a plan (no run grain behind it).</summary>
    public QueuedRun Run(CredentialPlan plan, RunPriority priority = RunPriority.Normal, RunMode mode = RunMode.Unattended, TimeSpan? queueTime = null)
    {
        var now = Clock.GetUtcNow();
        return new QueuedRun(Ids.New("r"), "flow", mode, priority, now, now + (queueTime ?? TimeSpan.FromHours(3)), TimeSpan.FromHours(1), plan, 1);
    }

    public static CredentialPlan Single(string username) =>
        new($"cred-{username}", new CredentialOption($"cred-{username}", username, username), new Dictionary<string, IReadOnlyList<CredentialOption>>());

    /// <summary>A local credential usable in connections, owned by <paramref name="actor"/> (default: the grid's owner).</summary>
    public async Task<string> CreateCredentialAsync(string username, Actor? actor = null, bool usable = true)
    {
        var id = Ids.New("cred");
        await Grains.GetGrain<ICredentialGrain>(id).Create(actor ?? Owner, new CreateCredential($"credential {username}", username, CredentialStore.Local, $"secret-of-{username}", null, usable));
        return id;
    }

    /// <summary>A connection to a group with a credential.</summary>
    public async Task<string> ConnectAsync(string groupId, string credentialId, Actor? actor = null)
    {
        var id = Ids.New("conn");
        await Grains.GetGrain<IConnectionGrain>(id).Create(actor ?? Owner, new CreateConnection("connection", new ConnectionTarget(null, groupId), credentialId, null));
        return id;
    }

    /// <summary>Submits a run through a connection and returns its id.</summary>
    public async Task<string> SubmitAsync(string connectionId, Actor? actor = null, RunMode mode = RunMode.Unattended, RunPriority priority = RunPriority.Normal, int maxAttempts = 1, int? runTimeoutSeconds = null)
    {
        var id = Ids.New("r");
        await RunGrain(id).Submit(actor ?? Owner, new SubmitRun(connectionId, "flow-1", """{"x":1}""", mode, priority, null, runTimeoutSeconds, maxAttempts));
        return id;
    }

    /// <summary>Submits <paramref name="count"/> runs through a connection one second apart, so lists order them by time; returns their ids, oldest first.</summary>
    public async Task<List<string>> SubmitSpacedAsync(string connectionId, int count)
    {
        var runs = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            runs.Add(await SubmitAsync(connectionId));
            Clock.Advance(TimeSpan.FromSeconds(1));
        }
        return runs;
    }

    /// <summary>Plays every machine's agent once: takes offered runs, starts and completes them.</summary>
    public async Task<int> WorkAsync(IEnumerable<string> machineIds, bool succeed = true)
    {
        var done = 0;
        foreach (var machineId in machineIds)
        {
            foreach (var assignment in await Machine(machineId).TakeAssignments())
            {
                await Machine(machineId).StartRun(assignment.RunId);
                await Machine(machineId).CompleteRun(assignment.RunId, succeed, """{"ok":true}""", succeed ? null : "flow failed");
                done++;
            }
        }
        return done;
    }

    /// <summary>Waits until the run is placed on the machine, then has the machine's agent take it and start it.</summary>
    public async Task StartPlacedRunAsync(string machineId, string runId)
    {
        await Eventually.True(async () => (await RunGrain(runId).Get(Owner)).Status == RunStatus.Assigned, $"run {runId} was assigned");
        await Machine(machineId).TakeAssignments();
        await Machine(machineId).StartRun(runId);
    }

    public IMachineGroupGrain Group(string id) => Grains.GetGrain<IMachineGroupGrain>(id);

    public IMachineGrain Machine(string id) => Grains.GetGrain<IMachineGrain>(id);

    public IRunGrain RunGrain(string id) => Grains.GetGrain<IRunGrain>(id);
}
