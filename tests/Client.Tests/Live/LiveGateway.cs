using MachineGrid.Agent;
using MachineGrid.Gateway.Tests;
using Xunit;

namespace MachineGrid.Client.Tests;

/// <summary>
/// The real system (silo, grains, gateway on Kestrel, SQLite on disk) started once through the gateway tests' host,
/// with helpers to create principals, groups and machines through the client.
/// </summary>
public sealed class LiveGateway : IAsyncLifetime
{
    private readonly List<IDisposable> disposables = [];
    private GatewayHost host = null!;

    /// <summary>One HttpClient for every client of the tests, as a service would share one.</summary>
    public HttpClient Http { get; private set; } = null!;

    /// <summary>The bootstrap admin.</summary>
    public MachineGridClient Admin { get; private set; } = null!;

    /// <summary>The bootstrap admin's API key.</summary>
    public string AdminKey => host.AdminKey;

    /// <summary>The gateway's root address.</summary>
    public Uri Address => host.Address;

    /// <summary>Every log line the host wrote.</summary>
    public IReadOnlyCollection<string> Logs => host.Logs.Lines;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        host = await GatewayHost.StartAsync();
        Http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(60) };
        Admin = Track(new MachineGridClient(Http, host.AdminKey));
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        disposables.ForEach(d => d.Dispose());
        Http.Dispose();
        await host.DisposeAsync(); // Deletes its data folder.
    }

    /// <summary>Creates a principal with the roles and returns a client with its key.</summary>
    public async Task<(MachineGridClient Client, CreatedPrincipal Principal)> NewUserAsync(string name, params EnvironmentRole[] roles)
    {
        var principal = await Admin.CreatePrincipalAsync(new CreatePrincipalRequest($"{name}-{Guid.NewGuid():N}"[..24], roles));
        return (Track(new MachineGridClient(Http, principal.ApiKey)), principal);
    }

    /// <summary>A maker: may register machines and create groups.</summary>
    public async Task<MachineGridClient> NewMakerAsync() => (await NewUserAsync("maker", EnvironmentRole.EnvironmentMaker)).Client;

    /// <summary>Creates a password-protected group and registers and joins <paramref name="machines"/> machines to it.</summary>
    public async Task<TestFleet> NewFleetAsync(MachineGridClient owner, int machines, MachineKind kind = MachineKind.Desktop, int? maxSessions = null)
    {
        var group = await owner.CreateGroupAsync(new CreateGroupRequest("group-" + Guid.NewGuid().ToString("N")[..8], "client tests"));
        await owner.SetGroupPasswordAsync(group.Id, "password-1");
        var identities = new List<(RegisteredMachine Machine, string Fingerprint)>();
        for (var i = 0; i < machines; i++)
        {
            var fingerprint = "fp-" + Guid.NewGuid().ToString("N");
            var machine = await owner.RegisterMachineAsync(new RegisterMachineRequest($"vm-{group.Name}-{i}", kind, "1.0.0", "Linux", fingerprint, MaxSessions: maxSessions));
            await owner.JoinGroupAsync(machine.Id, group.Id, "password-1");
            identities.Add((machine, fingerprint));
        }
        return new TestFleet(this, group, identities);
    }

    /// <summary>Creates a credential for <paramref name="username"/> and a connection to the fleet's group that signs in with it.</summary>
    public static async Task<(Credential Credential, Connection Connection)> ConnectAsync(MachineGridClient owner, TestFleet fleet, string username, string secret = "pw")
    {
        var credential = await owner.CreateCredentialAsync(new CreateCredentialRequest($"{username}-{fleet.Group.Name}", username, CredentialStore.Local, Secret: secret));
        var connection = await owner.CreateConnectionAsync(new CreateConnectionRequest("to-" + fleet.Group.Name, ConnectionTarget.Group(fleet.Group.Id), CredentialId: credential.Id));
        return (credential, connection);
    }

    /// <summary>An agent client for a machine key.</summary>
    public AgentClient Agent(string machineKey) => Track(new AgentClient(Http, machineKey));

    private T Track<T>(T disposable) where T : IDisposable
    {
        disposables.Add(disposable);
        return disposable;
    }

    /// <summary>A group with registered machines, whose agent loops the tests run in-process.</summary>
    public sealed class TestFleet(LiveGateway gateway, MachineGroup group, IReadOnlyList<(RegisteredMachine Machine, string Fingerprint)> machines)
    {
        /// <summary>The group.</summary>
        public MachineGroup Group { get; } = group;

        /// <summary>The machines and their fingerprints.</summary>
        public IReadOnlyList<(RegisteredMachine Machine, string Fingerprint)> Machines { get; } = machines;

        /// <summary>Runs every machine's agent loop until the token fires.</summary>
        public Task RunAsync(SimulatedMachineOptions options, FleetCounters counters, CancellationToken cancellationToken) =>
            Task.WhenAll(Machines.Select(m => new SimulatedMachine(
                gateway.Agent(m.Machine.MachineKey),
                options with { Fingerprint = m.Fingerprint, AgentInstanceId = Guid.NewGuid().ToString("N") },
                counters).RunAsync(cancellationToken)));
    }
}
