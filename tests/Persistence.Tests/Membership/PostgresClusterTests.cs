using System.Diagnostics;
using MachineGrid.Persistence.Membership;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Messaging;
using Orleans.Runtime;
using Xunit.Abstractions;

namespace MachineGrid.Persistence.Tests.Membership;

/// <summary>
/// Real silos on loopback TCP ports of their own whose only membership is our PostgreSQL table: in this process, and,
/// for the one that gets killed, in a child process (see <see cref="SiloProcess"/>). Orleans' InProcessTestCluster
/// cannot run on our table: it registers its in-memory one after the test's silo configuration, so its own wins.
/// </summary>
[Collection(MembershipPostgresCollection.Name)]
public sealed class PostgresClusterTests(PostgresServer server, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly string clusterId = $"cluster-{Guid.NewGuid():N}";

    [Fact]
    public async Task Two_silos_form_a_cluster_in_the_table_and_a_client_finds_them_through_the_gateway_list()
    {
        var connectionString = await server.CreateDatabaseAsync();
        var starting = SiloSettings.OnFreePorts(clusterId, connectionString, "silo-a", "silo-b").Select(TestSilo.StartAsync).ToArray();
        await using var silos = new AsyncDisposables();
        try
        {
            await Task.WhenAll(starting);
        }
        finally
        {
            silos.AddRange(starting.Where(task => task.IsCompletedSuccessfully).Select(task => task.Result));
        }
        var (first, second) = (await starting[0], await starting[1]);
        Assert.IsType<PostgresMembershipTable>(first.Services.GetRequiredService<IMembershipTable>());
        Assert.IsType<PostgresMembershipTable>(second.Services.GetRequiredService<IMembershipTable>());
        var table = first.Services.GetRequiredService<IMembershipTable>();

        await WaitUntilAsync(
            async () => Statuses(await table.ReadAllAsync(), first.Address, second.Address) is [SiloStatus.Active, SiloStatus.Active],
            "both silos are Active in the table");

        var clientBuilder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        clientBuilder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = SiloSettings.ServiceId;
            });
            client.UseMachineGridGateways(connectionString);
        });
        var clientHost = clientBuilder.Build();
        try
        {
            await clientHost.StartAsync();
            var gateways = clientHost.Services.GetRequiredService<IGatewayListProvider>();
            Assert.IsType<PostgresGatewayListProvider>(gateways);
            Assert.Equal(
                new[] { first.GatewayUri, second.GatewayUri }.Select(uri => uri.ToString()).Order(),
                (await gateways.GetGatewaysAsync()).Select(uri => uri.ToString()).Order());

            var hosts = await clientHost.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);

            Assert.Equal(new[] { first.Address, second.Address }.Order(), hosts.Keys.Order());
            Assert.All(hosts.Values, status => Assert.Equal(SiloStatus.Active, status));
        }
        finally
        {
            await clientHost.StopAsync();
            await ((IAsyncDisposable)clientHost).DisposeAsync();
        }
    }

    [Fact]
    public async Task A_killed_silo_is_declared_dead_in_the_table_by_the_survivor()
    {
        var connectionString = await server.CreateDatabaseAsync();
        var settings = SiloSettings.OnFreePorts(clusterId, connectionString, "survivor", "victim");
        var clock = Stopwatch.StartNew();
        var survivorStarting = TestSilo.StartAsync(settings[0]);
        var victimStarting = SiloProcess.StartAsync(settings[1], Patience);
        await using var silos = new AsyncDisposables();
        try
        {
            await Task.WhenAll(survivorStarting, victimStarting);
        }
        finally
        {
            silos.AddRange(new[] { survivorStarting }.Where(task => task.IsCompletedSuccessfully).Select(task => task.Result));
            silos.AddRange(new[] { victimStarting }.Where(task => task.IsCompletedSuccessfully).Select(task => task.Result.Silo));
        }
        var survivor = await survivorStarting;
        var (victim, victimAddress) = await victimStarting;
        output.WriteLine($"The survivor in this process and the victim in its own started in {clock.Elapsed.TotalSeconds:F1} s.");
        await using var store = TestStores.Open(new StorageOptions { Reminders = false }.UsePostgres(connectionString));
        var table = new PostgresMembershipTable(
            store,
            Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = SiloSettings.ServiceId }),
            NullLogger<PostgresMembershipTable>.Instance);
        await WaitUntilAsync(
            async () => Statuses(await table.ReadAllAsync(), survivor.Address, victimAddress) is [SiloStatus.Active, SiloStatus.Active],
            "both silos are Active in the table");

        clock.Restart();
        await victim.KillAsync();
        MembershipEntry? dead = null;
        try
        {
            await WaitUntilAsync(
                async () => (dead = (await table.ReadRowAsync(victimAddress)).Members.Single().Item1).Status == SiloStatus.Dead,
                "the killed silo's row is Dead");
        }
        finally
        {
            output.WriteLine($"The killed silo's output:\n{victim.Output}");
        }
        output.WriteLine($"The killed silo's row was Dead {clock.Elapsed.TotalMilliseconds:F0} ms after SIGKILL.");

        Assert.Contains(dead!.SuspectTimes!, vote => vote.Item1.Equals(survivor.Address));
        Assert.Equal(SiloStatus.Active, (await table.ReadRowAsync(survivor.Address)).Members.Single().Item1.Status);
    }

    /// <summary>Each silo's status in the table, in the order given; None for a silo without a row.</summary>
    private static SiloStatus[] Statuses(MembershipTableData data, params SiloAddress[] silos) =>
        [.. silos.Select(silo => data.TryGet(silo)?.Item1.Status ?? SiloStatus.None)];

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"Timed out after {Patience.TotalSeconds:F0} s waiting until {what}.");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>Disposes what it holds in reverse order, each even if another fails.</summary>
    private sealed class AsyncDisposables : IAsyncDisposable
    {
        private readonly List<IAsyncDisposable> items = [];

        public void AddRange(IEnumerable<IAsyncDisposable> disposables) => items.AddRange(disposables);

        public async ValueTask DisposeAsync()
        {
            var failures = new List<Exception>();
            for (var i = items.Count - 1; i >= 0; i--)
            {
                try
                {
                    await items[i].DisposeAsync();
                }
                catch (Exception ex)
                {
                    failures.Add(ex);
                }
            }
            if (failures.Count > 0)
            {
                throw new AggregateException(failures);
            }
        }
    }
}
