using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using MachineGrid.Client;
using Xunit.Abstractions;

namespace MachineGrid.Silo.Tests;

/// <summary>
/// Three silo processes on one PostgreSQL database, configured the way an operator would: only through
/// <c>MACHINEGRID__*</c> environment variables. They form one cluster, serve each other's data, leave cleanly on
/// SIGTERM and are declared dead by the others after SIGKILL.
/// </summary>
public sealed class ClusterMembershipTests(PostgresServer postgres, ITestOutputHelper output) : IClassFixture<PostgresServer>, IAsyncLifetime
{
    private const string ClusterId = "blue-cluster";
    private readonly string data = Directory.CreateTempSubdirectory("machinegrid-cluster-").FullName;
    private readonly string adminKey = "mgk_cluster_admin_" + Guid.NewGuid().ToString("N");
    private readonly List<SiloProcess> silos = [];
    private string connectionString = "";

    public async Task InitializeAsync() => connectionString = await postgres.CreateDatabaseAsync();

    [Fact]
    public async Task Silos_configured_by_environment_form_one_cluster_leave_on_sigterm_and_are_voted_dead_after_sigkill()
    {
        var ports = Enumerable.Range(0, 3).Select(_ => (Silo: FreePort(), Gateway: FreePort())).ToList();
        foreach (var (silo, gateway) in ports)
        {
            silos.Add(await StartAsync(silo, gateway));
        }

        await Eventually.True(async () => (await RowsAsync()).Count(r => r.Status == MembershipRow.Active) == 3, "three silos Active in the membership table");
        var rows = await RowsAsync();
        Assert.All(rows, row => Assert.Equal(ClusterId, row.ClusterId));
        foreach (var (silo, gateway) in ports)
        {
            Assert.Equal(gateway, Assert.Single(rows, row => row.HasPort(silo)).ProxyPort);
        }

        // What is written through one silo is read through the others, whichever holds the grain.
        using var first = Client(0);
        var group = await first.CreateGroupAsync(new CreateGroupRequest("cluster group", "made through silo 1"));
        foreach (var index in new[] { 1, 2 })
        {
            using var other = Client(index);
            Assert.Equal("made through silo 1", (await other.GetGroupAsync(group.Id)).Description);
        }

        // SIGKILL: the other two vote the silo dead.
        var killed = Stopwatch.StartNew();
        silos[2].Crash();
        await Eventually.True(async () => (await RowsAsync()).Single(r => r.HasPort(ports[2].Silo)).Status == MembershipRow.Dead,
            "the killed silo declared Dead");
        output.WriteLine($"SIGKILL to Dead in the membership table: {killed.Elapsed.TotalSeconds:F1} s");
        Assert.False(string.IsNullOrEmpty((await RowsAsync()).Single(r => r.HasPort(ports[2].Silo)).SuspectTimes), "a dead silo carries the votes that declared it");

        // SIGTERM: the silo marks itself Dead before it exits 0 (a killed silo's row stays Active until the others vote).
        Assert.Equal(0, await silos[1].StopAsync());
        Assert.Equal(MembershipRow.Dead, (await RowsAsync()).Single(r => r.HasPort(ports[1].Silo)).Status);

        // The survivor serves everything, including grains that lived on the two silos that are gone.
        Assert.Equal("made through silo 1", (await first.GetGroupAsync(group.Id)).Description);
        var second = await first.CreateGroupAsync(new CreateGroupRequest("after the failures"));
        Assert.Equal("after the failures", (await first.GetGroupAsync(second.Id)).Name);
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in silos)
        {
            await silo.DisposeAsync();
        }
        Directory.Delete(data, recursive: true);
    }

    private Task<SiloProcess> StartAsync(int siloPort, int gatewayPort) => SiloProcess.StartAsync(data, [], new Dictionary<string, string>
    {
        ["MACHINEGRID__POSTGRES"] = connectionString,
        ["MACHINEGRID__CLUSTERID"] = ClusterId,
        ["MACHINEGRID__SILOPORT"] = siloPort.ToString(CultureInfo.InvariantCulture),
        ["MACHINEGRID__GATEWAYPORT"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
        ["MACHINEGRID__BOOTSTRAPADMINKEY"] = adminKey,
        ["MACHINEGRID__LIMITS__PASSWORDITERATIONS"] = "1000",
    });

    private MachineGridClient Client(int silo) => new(silos[silo].Address, adminKey);

    private Task<IReadOnlyList<MembershipRow>> RowsAsync() => MembershipRow.ReadAsync(connectionString);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
