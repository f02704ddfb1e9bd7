using System.Net;
using System.Net.Sockets;
using MachineGrid.Persistence.Diagnostics;
using MachineGrid.Persistence.Membership;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;

namespace MachineGrid.Persistence.Tests.Membership;

/// <summary>
/// The membership table against the contract Orleans' own providers are tested on (its MembershipTableTestsBase),
/// plus what ours adds: exact round trips, readable votes, cleanup that keeps recent deaths, errors Orleans can carry.
/// </summary>
[Collection(MembershipPostgresCollection.Name)]
public sealed class PostgresMembershipTableTests(PostgresServer server) : IAsyncLifetime
{
    private static int generation;

    private readonly string clusterId = $"cluster-{Guid.NewGuid():N}";
    private StorageOptions options = null!;
    private MachineGridStore store = null!;
    private PostgresMembershipTable table = null!;

    public async Task InitializeAsync()
    {
        options = new StorageOptions { Reminders = false }.UsePostgres(await server.CreateDatabaseAsync());
        store = TestStores.Open(options);
        table = NewTable(clusterId);
        await table.InitializeMembershipTableAsync(true);
    }

    public async Task DisposeAsync() => await store.DisposeAsync();

    [Fact]
    public async Task A_new_cluster_reads_empty_at_version_zero()
    {
        var data = await table.ReadAllAsync();

        Assert.Empty(data.Members);
        Assert.Equal(0, data.Version.Version);
        Assert.Equal("0", data.Version.VersionEtag);
    }

    [Fact]
    public async Task Many_silos_initializing_at_once_create_one_version_row_and_never_reset_it()
    {
        var fresh = $"cluster-{Guid.NewGuid():N}";
        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => NewTable(fresh).InitializeMembershipTableAsync(true))));
        var tableOfFresh = NewTable(fresh);
        Assert.Equal(0, (await tableOfFresh.ReadAllAsync()).Version.Version);

        Assert.True(await tableOfFresh.InsertRowAsync(NewEntry(), new TableVersion(1, "0")));
        await tableOfFresh.InitializeMembershipTableAsync(true);

        var data = await tableOfFresh.ReadAllAsync();
        Assert.Equal(1, data.Version.Version);
        Assert.Single(data.Members);
    }

    [Fact]
    public async Task InsertRow_adds_the_silo_and_moves_the_table_version()
    {
        var entry = NewEntry();
        entry.SuspectTimes = [Tuple.Create(NewSilo(), Microseconds(DateTime.UtcNow.AddSeconds(-1)))];
        var before = await table.ReadAllAsync();

        Assert.True(await table.InsertRowAsync(entry, before.Version.Next()));

        var after = await table.ReadAllAsync();
        Assert.Equal(1, after.Version.Version);
        Assert.NotEqual(before.Version.VersionEtag, after.Version.VersionEtag);
        var (stored, etag) = Assert.Single(after.Members);
        AssertSameEntry(entry, stored);
        Assert.False(string.IsNullOrEmpty(etag));
    }

    [Fact]
    public async Task InsertRow_fails_for_a_stale_table_version_and_for_a_silo_already_there()
    {
        var entry = NewEntry();
        var version = (await table.ReadAllAsync()).Version.Next();
        Assert.True(await table.InsertRowAsync(entry, version));

        Assert.False(await table.InsertRowAsync(entry, version), "same silo, stale version");
        Assert.False(await table.InsertRowAsync(NewEntry(), version), "new silo, stale version");
        Assert.False(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()), "same silo, right version");

        var data = await table.ReadAllAsync();
        Assert.Equal(1, data.Version.Version);
        Assert.Single(data.Members);
    }

    [Fact]
    public async Task ReadRow_returns_the_one_silo_with_the_table_version()
    {
        var first = NewEntry();
        var second = NewEntry();
        Assert.True(await table.InsertRowAsync(first, new TableVersion(1, "0")));
        Assert.True(await table.InsertRowAsync(second, new TableVersion(2, "1")));

        var row = await table.ReadRowAsync(first.SiloAddress);
        var (stored, etag) = Assert.Single(row.Members);
        AssertSameEntry(first, stored);
        Assert.Equal(new TableVersion(2, "2"), row.Version);
        Assert.Equal(etag, (await table.ReadAllAsync()).TryGet(first.SiloAddress)!.Item2);

        var missing = await table.ReadRowAsync(NewSilo());
        Assert.Empty(missing.Members);
        Assert.Equal(2, missing.Version.Version);
    }

    [Fact]
    public async Task UpdateRow_needs_both_the_row_etag_and_the_next_table_version()
    {
        var entry = NewEntry();
        var inserted = (await table.ReadAllAsync()).Version.Next();
        Assert.True(await table.InsertRowAsync(entry, inserted));
        var etag = (await table.ReadAllAsync()).TryGet(entry.SiloAddress)!.Item2;

        entry.Status = SiloStatus.Active;
        entry.ProxyPort = 30001;
        entry.IAmAliveTime = Microseconds(DateTime.UtcNow.AddSeconds(3));
        entry.SuspectTimes =
        [
            Tuple.Create(NewSilo(), Microseconds(DateTime.UtcNow.AddSeconds(1))),
            Tuple.Create(NewSilo(), Microseconds(DateTime.UtcNow.AddSeconds(2))),
        ];
        Assert.False(await table.UpdateRowAsync(entry, etag, inserted), "right etag, stale table version");

        var next = (await table.ReadAllAsync()).Version.Next();
        Assert.True(await table.UpdateRowAsync(entry, etag, next));
        Assert.False(await table.UpdateRowAsync(entry, etag, next), "stale etag, stale table version");
        Assert.False(await table.UpdateRowAsync(entry, etag, next.Next()), "stale etag, right table version");
        Assert.False(await table.UpdateRowAsync(entry, "not a version", next.Next()), "etag that names no version");
        Assert.False(await table.UpdateRowAsync(NewEntry(), etag, next.Next()), "silo not in the table");

        var data = await table.ReadAllAsync();
        Assert.Equal(2, data.Version.Version);
        var (stored, newEtag) = data.TryGet(entry.SiloAddress)!;
        AssertSameEntry(entry, stored);
        Assert.NotEqual(etag, newEtag);
        Assert.Equal(entry.ToFullString(), stored.ToFullString());

        Assert.True(await table.UpdateRowAsync(entry, newEtag, data.Version.Next()));
        Assert.Equal(3, (await table.ReadAllAsync()).Version.Version);
    }

    [Fact]
    public async Task Of_concurrent_inserts_with_the_same_table_version_exactly_one_wins()
    {
        var version = (await table.ReadAllAsync()).Version.Next();
        var distinct = Enumerable.Range(0, 20).Select(_ => NewEntry()).ToList();

        var outcomes = await Task.WhenAll(distinct.Select(entry => Task.Run(() => table.InsertRowAsync(entry, version))));

        Assert.Single(outcomes, won => won);
        var data = await table.ReadAllAsync();
        Assert.Equal(1, data.Version.Version);
        var winner = distinct[Array.IndexOf(outcomes, true)];
        Assert.Equal(winner.SiloAddress, Assert.Single(data.Members).Item1.SiloAddress);

        var same = NewEntry();
        var sameOutcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => table.InsertRowAsync(same, data.Version.Next()))));
        Assert.Single(sameOutcomes, won => won);
        data = await table.ReadAllAsync();
        Assert.Equal(2, data.Version.Version);
        Assert.Equal(2, data.Members.Count);
    }

    [Fact]
    public async Task Concurrent_updaters_that_reread_on_conflict_all_land_once()
    {
        var entry = NewEntry();
        Assert.True(await table.InsertRowAsync(entry, new TableVersion(1, "0")));
        const int Updaters = 10;

        await Task.WhenAll(Enumerable.Range(0, Updaters).Select(i => Task.Run(async () =>
        {
            while (true)
            {
                var data = await table.ReadAllAsync();
                var (current, etag) = data.TryGet(entry.SiloAddress)!;
                current.ProxyPort = 40000 + i;
                if (await table.UpdateRowAsync(current, etag, data.Version.Next()))
                {
                    return;
                }
            }
        })));

        var final = await table.ReadAllAsync();
        Assert.Equal(1 + Updaters, final.Version.Version);
        Assert.Equal((1 + Updaters).ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(final.Members).Item2);
    }

    [Fact]
    public async Task UpdateIAmAlive_changes_only_the_alive_time_and_leaves_the_etags_current()
    {
        var entry = NewEntry();
        Assert.True(await table.InsertRowAsync(entry, new TableVersion(1, "0")));
        var before = await table.ReadAllAsync();
        var alive = Microseconds(DateTime.UtcNow.AddSeconds(5));

        await table.UpdateIAmAliveAsync(new MembershipEntry { SiloAddress = entry.SiloAddress, IAmAliveTime = alive });

        var after = await table.ReadAllAsync();
        Assert.Equal(before.Version, after.Version);
        var (stored, etag) = Assert.Single(after.Members);
        Assert.Equal(before.Members[0].Item2, etag);
        Assert.Equal(alive, stored.IAmAliveTime);
        Assert.Equal(DateTimeKind.Utc, stored.IAmAliveTime.Kind);
        entry.IAmAliveTime = alive;
        AssertSameEntry(entry, stored);
        Assert.True(await table.UpdateRowAsync(stored, before.Members[0].Item2, after.Version.Next()), "what was read before the heartbeat is still current");
    }

    [Fact]
    public async Task Cleanup_deletes_silos_that_are_not_active_and_show_no_life_since_the_date()
    {
        var old = DateTime.UtcNow.AddDays(-10);
        var fresh = NewEntry();
        var oldActive = NewEntry(SiloStatus.Active, startedAt: old);
        var recentlyDeclaredDead = NewEntry(SiloStatus.Dead, startedAt: old);
        recentlyDeclaredDead.SuspectTimes = [Tuple.Create(fresh.SiloAddress, Microseconds(DateTime.UtcNow))];
        var defunct = Enum.GetValues<SiloStatus>().Where(status => status != SiloStatus.Active).Select(status => NewEntry(status, startedAt: old)).ToList();
        foreach (var entry in defunct.Append(fresh).Append(oldActive).Append(recentlyDeclaredDead))
        {
            Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        }
        var otherCluster = NewTable($"cluster-{Guid.NewGuid():N}");
        await otherCluster.InitializeMembershipTableAsync(true);
        Assert.True(await otherCluster.InsertRowAsync(NewEntry(SiloStatus.Dead, startedAt: old), new TableVersion(1, "0")));
        var versionBefore = (await table.ReadAllAsync()).Version;

        await table.CleanupDefunctSiloEntriesAsync(old.AddDays(3));

        var data = await table.ReadAllAsync();
        Assert.Equal(
            new[] { fresh, oldActive, recentlyDeclaredDead }.Select(entry => entry.SiloAddress).Order(),
            data.Members.Select(member => member.Item1.SiloAddress).Order());
        Assert.Equal(versionBefore, data.Version);
        Assert.Single((await otherCluster.ReadAllAsync()).Members);
    }

    [Fact]
    public async Task DeleteMembershipTableEntries_removes_that_cluster_only()
    {
        Assert.True(await table.InsertRowAsync(NewEntry(), new TableVersion(1, "0")));
        var otherId = $"cluster-{Guid.NewGuid():N}";
        var other = NewTable(otherId);
        await other.InitializeMembershipTableAsync(true);
        Assert.True(await other.InsertRowAsync(NewEntry(), new TableVersion(1, "0")));

        await table.DeleteMembershipTableEntriesAsync(otherId);

        Assert.Empty((await other.ReadAllAsync()).Members);
        Assert.Single((await table.ReadAllAsync()).Members);
        await other.InitializeMembershipTableAsync(true);
        Assert.True(await other.InsertRowAsync(NewEntry(), new TableVersion(1, "0")));
    }

    [Fact]
    public async Task Suspect_votes_are_stored_as_readable_text()
    {
        var entry = NewEntry();
        var voter = SiloAddress.New(IPAddress.Parse("10.1.2.3"), 11111, 42);
        entry.SuspectTimes = [Tuple.Create(voter, new DateTime(2025, 6, 1, 12, 0, 3, DateTimeKind.Utc)), Tuple.Create(voter, new DateTime(2025, 6, 1, 12, 0, 4, 500, DateTimeKind.Utc))];
        Assert.True(await table.InsertRowAsync(entry, new TableVersion(1, "0")));

        await using var dataSource = NpgsqlDataSource.Create(PostgresConnectionString);
        await using var command = dataSource.CreateCommand("SELECT suspect_times FROM membership WHERE cluster_id = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = clusterId });
        var text = (string?)await command.ExecuteScalarAsync();

        Assert.Equal("10.1.2.3:11111@42 2025-06-01T12:00:03.0000000Z; 10.1.2.3:11111@42 2025-06-01T12:00:04.5000000Z", text);
    }

    [Fact]
    public async Task The_gateway_list_holds_the_active_silos_with_a_proxy_port_at_that_port()
    {
        var active = NewEntry(SiloStatus.Active);
        var activeWithoutGateway = NewEntry(SiloStatus.Active);
        activeWithoutGateway.ProxyPort = 0;
        var entries = new[] { NewEntry(SiloStatus.Joining), NewEntry(SiloStatus.Dead), activeWithoutGateway, active, NewEntry(SiloStatus.ShuttingDown) };
        foreach (var entry in entries)
        {
            Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        }
        var otherCluster = NewTable($"cluster-{Guid.NewGuid():N}");
        await otherCluster.InitializeMembershipTableAsync(true);
        Assert.True(await otherCluster.InsertRowAsync(NewEntry(SiloStatus.Active), new TableVersion(1, "0")));
        await using var gateways = NewGateways(options);

        var uris = await gateways.GetGatewaysAsync();

        var expected = SiloAddress.New(new IPEndPoint(active.SiloAddress.Endpoint.Address, active.ProxyPort), active.SiloAddress.Generation).ToGatewayUri();
        Assert.Equal(expected, Assert.Single(uris));
        Assert.Equal(new GatewayOptions().GatewayListRefreshPeriod, gateways.MaxStaleness);
    }

    [Fact]
    public async Task Before_any_silo_started_the_gateway_list_is_empty()
    {
        await using var gateways = NewGateways(new StorageOptions().UsePostgres(await server.CreateDatabaseAsync()));

        Assert.Empty(await gateways.GetGatewaysAsync());
    }

    [Fact]
    public async Task A_database_that_cannot_be_reached_fails_with_an_exception_Orleans_can_carry()
    {
        var unreachable = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = ClosedPort(), Username = "postgres", Timeout = 5 }.ConnectionString;
        var unreachableOptions = new StorageOptions { Reminders = false }.UsePostgres(unreachable);
        await using var unreachableStore = TestStores.Open(unreachableOptions);
        var unreachableTable = new PostgresMembershipTable(unreachableStore, ClusterOptionsFor(clusterId), NullLogger<PostgresMembershipTable>.Instance);
        await using var gateways = NewGateways(unreachableOptions);

        var read = await Assert.ThrowsAsync<StorageUnavailableException>(() => unreachableTable.ReadAllAsync());
        var insert = await Assert.ThrowsAsync<StorageUnavailableException>(() => unreachableTable.InsertRowAsync(NewEntry(), new TableVersion(1, "0")));
        var listed = await Assert.ThrowsAsync<StorageUnavailableException>(() => gateways.GetGatewaysAsync());

        Assert.All(new[] { read, insert, listed }, ex => Assert.Contains("PostgreSQL", ex.Message));
        Assert.Contains(clusterId, read.Message);
    }

    private string PostgresConnectionString => options.PostgresConnectionString!;

    private PostgresMembershipTable NewTable(string cluster) =>
        new(store, ClusterOptionsFor(cluster), NullLogger<PostgresMembershipTable>.Instance);

    private PostgresGatewayListProvider NewGateways(StorageOptions storage) =>
        new(storage, ClusterOptionsFor(clusterId), Options.Create(new GatewayOptions()), NullLogger<PostgresGatewayListProvider>.Instance);

    private static IOptions<ClusterOptions> ClusterOptionsFor(string cluster) =>
        Options.Create(new ClusterOptions { ClusterId = cluster, ServiceId = "membership-tests" });

    private static SiloAddress NewSilo() => SiloAddress.New(IPAddress.Loopback, 12345, Interlocked.Increment(ref generation));

    private static MembershipEntry NewEntry(SiloStatus status = SiloStatus.Joining, DateTime? startedAt = null)
    {
        var silo = NewSilo();
        var started = Microseconds(startedAt ?? DateTime.UtcNow);
        return new MembershipEntry
        {
            SiloAddress = silo,
            SiloName = $"silo-{silo.Generation}",
            HostName = "host-under-test",
            Status = status,
            ProxyPort = 30000 + silo.Generation % 1000,
            StartTime = started,
            IAmAliveTime = started,
        };
    }

    /// <summary>PostgreSQL keeps microseconds; times at that precision must come back exactly.</summary>
    private static DateTime Microseconds(DateTime time) => new(time.Ticks - time.Ticks % 10, DateTimeKind.Utc);

    private static void AssertSameEntry(MembershipEntry expected, MembershipEntry actual)
    {
        Assert.Equal(expected.SiloAddress, actual.SiloAddress);
        Assert.Equal(expected.SiloName, actual.SiloName);
        Assert.Equal(expected.HostName, actual.HostName);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.ProxyPort, actual.ProxyPort);
        Assert.Equal(expected.StartTime, actual.StartTime);
        Assert.Equal(expected.IAmAliveTime, actual.IAmAliveTime);
        Assert.Equal(DateTimeKind.Utc, actual.StartTime.Kind);
        Assert.Equal(DateTimeKind.Utc, actual.IAmAliveTime.Kind);
        Assert.Equal(expected.SuspectTimes, actual.SuspectTimes);
        Assert.All(actual.SuspectTimes ?? [], vote => Assert.Equal(DateTimeKind.Utc, vote.Item2.Kind));
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
