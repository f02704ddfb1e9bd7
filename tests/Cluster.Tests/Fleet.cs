namespace MachineGrid.Cluster.Tests;

/// <summary>Builds scenarios for one owner on the cluster, each step through a chosen silo.</summary>
public sealed class Fleet(ThreeSiloCluster cluster, Actor owner)
{
    public const string Password = "correct horse battery";

    public ThreeSiloCluster Cluster { get; } = cluster;

    public Actor Owner { get; } = owner;

    /// <summary>A group created through <paramref name="silo"/> and activated there.</summary>
    public Task<string> CreateGroupOnAsync(SiloNode silo) => ThreeSiloCluster.PlacedOn(silo, async () =>
    {
        var id = Ids.New("g");
        await silo.Grains.GetGrain<IMachineGroupGrain>(id).Create(Owner, new CreateGroup("group", null));
        return id;
    });

    /// <summary>A machine registered through <paramref name="silo"/> and activated there, in the group, with its agent online.</summary>
    public async Task<string> AddMachineOnAsync(SiloNode silo, string groupId)
    {
        var id = Ids.New("m");
        var machine = silo.Grains.GetGrain<IMachineGrain>(id);
        await ThreeSiloCluster.PlacedOn(silo, () => machine.Register(Owner, new RegisterMachine($"machine-{id}", null, MachineKind.Desktop, 1, "2.50", "Windows 11", $"fp-{id}")));
        await machine.JoinGroup(Owner, groupId, Password);
        await machine.Heartbeat(new AgentHeartbeat($"agent-{id}", $"fp-{id}", []));
        return id;
    }

    /// <summary>A local credential usable in connections, created (and its secret encrypted) through <paramref name="silo"/>, activated there.</summary>
    public Task<string> CreateCredentialOnAsync(SiloNode silo, string username, string secret) => ThreeSiloCluster.PlacedOn(silo, async () =>
    {
        var id = Ids.New("cred");
        await silo.Grains.GetGrain<ICredentialGrain>(id).Create(Owner, new CreateCredential($"credential {username}", username, CredentialStore.Local, secret, null, true));
        return id;
    });

    /// <summary>A connection to the group with the credential.</summary>
    public async Task<string> ConnectAsync(SiloNode silo, string groupId, string credentialId)
    {
        var id = Ids.New("conn");
        await silo.Grains.GetGrain<IConnectionGrain>(id).Create(Owner, new CreateConnection("connection", new ConnectionTarget(null, groupId), credentialId, null));
        return id;
    }

    /// <summary>Submits an unattended run through the connection, via <paramref name="silo"/>.</summary>
    public async Task<string> SubmitAsync(SiloNode silo, string connectionId)
    {
        var id = Ids.New("r");
        await silo.Grains.GetGrain<IRunGrain>(id).Submit(Owner, new SubmitRun(connectionId, "flow-1", """{"x":1}""", RunMode.Unattended));
        return id;
    }
}
