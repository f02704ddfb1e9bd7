using MachineGrid.Agent;
using MachineGrid.Client;
using MachineGrid.Gateway.Tests;
using Microsoft.Playwright;
using Xunit;

namespace MachineGrid.Dashboard.Tests;

/// <summary>
/// The real system (silo, grains, gateway on Kestrel, SQLite on disk) and Debian's Chromium driven by Playwright,
/// started once for the dashboard tests, with helpers to build groups of simulated machines and to sign in.
/// </summary>
public sealed class DashboardSite : IAsyncLifetime
{
    /// <summary>Debian's Chromium; Playwright cannot download browsers here.</summary>
    public const string Chromium = "/usr/bin/chromium";

    /// <summary>The password every test group is joined with.</summary>
    public const string GroupPassword = "dashboard-password";

    private readonly List<IDisposable> disposables = [];
    private GatewayHost host = null!;
    private IPlaywright playwright = null!;

    /// <summary>The browser.</summary>
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>One HttpClient shared by every API client of the tests.</summary>
    public HttpClient Http { get; private set; } = null!;

    /// <summary>The bootstrap admin.</summary>
    public MachineGridClient Admin { get; private set; } = null!;

    /// <summary>The bootstrap admin's key.</summary>
    public string AdminKey => host.AdminKey;

    /// <summary>The gateway's root address.</summary>
    public Uri Address => host.Address;

    /// <summary>The host's services, to read the gateway's own counters.</summary>
    public IServiceProvider Services => host.Services;

    /// <summary>Every log line the host wrote.</summary>
    public IReadOnlyCollection<string> Logs => host.Logs.Lines;

    /// <summary>Where screenshots are saved for people to look at.</summary>
    public static string Artifacts { get; } = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        host = await GatewayHost.StartAsync();
        Http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(60) };
        Admin = Track(new MachineGridClient(Http, host.AdminKey));
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright.Dispose();
        disposables.ForEach(d => d.Dispose());
        Http.Dispose();
        await host.DisposeAsync();
        try
        {
            Directory.Delete(host.DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A fresh browser context (its own session storage) and page, with every request it makes recorded.</summary>
    public async Task<BrowserSession> OpenAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1360, Height = 900 } });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        var session = new BrowserSession(context, page);
        page.Request += (_, request) => session.Requests.Enqueue(request.Url);
        return session;
    }

    /// <summary>Opens the dashboard and signs in with the key; returns when the signed-in page is showing.</summary>
    public async Task<BrowserSession> SignInAsync(string key, string hash = "#/overview")
    {
        var session = await OpenAsync();
        await session.Page.GotoAsync(new Uri(Address, "/" + hash).ToString());
        await session.Page.FillAsync("#api-key", key);
        await session.Page.ClickAsync("#sign-in-form button[type=submit]");
        await Assertions.Expect(session.Page.Locator("#nav")).ToBeVisibleAsync();
        await Assertions.Expect(session.Page.Locator("#view[data-loaded=true]")).ToBeAttachedAsync();
        return session;
    }

    /// <summary>Creates a principal with the roles; returns a client with its key, the key and its id.</summary>
    public async Task<(MachineGridClient Client, string Key, string Id)> NewUserAsync(string name, params EnvironmentRole[] roles)
    {
        var principal = await Admin.CreatePrincipalAsync(new CreatePrincipalRequest($"{name}-{Guid.NewGuid():N}"[..20], roles));
        return (Track(new MachineGridClient(Http, principal.ApiKey)), principal.ApiKey, principal.Id);
    }

    /// <summary>A group with <paramref name="machines"/> registered desktop machines and a connection to submit runs through.</summary>
    public async Task<Fleet> NewFleetAsync(MachineGridClient owner, int machines, string? name = null)
    {
        name ??= "group-" + Guid.NewGuid().ToString("N")[..8];
        var group = await owner.CreateGroupAsync(new CreateGroupRequest(name, "dashboard tests"));
        await owner.SetGroupPasswordAsync(group.Id, GroupPassword);
        var members = new List<(RegisteredMachine Machine, string Fingerprint)>();
        for (var i = 0; i < machines; i++)
        {
            var fingerprint = "fp-" + Guid.NewGuid().ToString("N");
            var machine = await owner.RegisterMachineAsync(new RegisterMachineRequest($"{name}-pc{i + 1}", MachineKind.Desktop, "2.50.1", "Windows 11", fingerprint));
            await owner.JoinGroupAsync(machine.Id, group.Id, GroupPassword);
            members.Add((machine, fingerprint));
        }
        var credential = await owner.CreateCredentialAsync(new CreateCredentialRequest($"robot-{name}", "svc-robot", CredentialStore.Local, Secret: "dashboard-s3cret"));
        var connection = await owner.CreateConnectionAsync(new CreateConnectionRequest($"to-{name}", ConnectionTarget.Group(group.Id), CredentialId: credential.Id));
        return new Fleet(this, group, members, connection.Id);
    }

    private T Track<T>(T disposable) where T : IDisposable
    {
        disposables.Add(disposable);
        return disposable;
    }

    /// <summary>A group with registered machines whose agents the tests run in-process.</summary>
    public sealed class Fleet(DashboardSite site, MachineGroup group, IReadOnlyList<(RegisteredMachine Machine, string Fingerprint)> machines, string connectionId)
    {
        /// <summary>The group.</summary>
        public MachineGroup Group { get; } = group;

        /// <summary>The machines and their fingerprints.</summary>
        public IReadOnlyList<(RegisteredMachine Machine, string Fingerprint)> Machines { get; } = machines;

        /// <summary>The connection to the group.</summary>
        public string ConnectionId { get; } = connectionId;

        /// <summary>Submits <paramref name="count"/> runs through the group's connection.</summary>
        public Task<Run[]> SubmitAsync(MachineGridClient client, int count, string flow = "invoice") =>
            Task.WhenAll(Enumerable.Range(0, count).Select(_ => client.SubmitRunAsync(new SubmitRunRequest(ConnectionId, flow, RunMode.Unattended))));

        /// <summary>Runs every machine's agent loop until the token fires; each flow takes <paramref name="flowDuration"/>.</summary>
        public Task RunAsync(TimeSpan flowDuration, CancellationToken cancellationToken) =>
            Task.WhenAll(Machines.Select(m => new SimulatedMachine(
                site.Track(new AgentClient(site.Http, m.Machine.MachineKey)),
                new SimulatedMachineOptions
                {
                    Fingerprint = m.Fingerprint,
                    Flows = new FlowRunner(flowDuration),
                    HeartbeatInterval = TimeSpan.FromSeconds(1),
                    AssignmentWait = TimeSpan.FromSeconds(5),
                    StopGrace = TimeSpan.FromSeconds(5),
                },
                new FleetCounters()).RunAsync(cancellationToken)));
    }
}
