using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Runtime;

namespace MachineGrid.Cluster.Tests;

/// <summary>The three silos form their cluster through our PostgreSQL membership table, not TestingHost's in-memory one.</summary>
[Collection(SharedClusterCollection.Name)]
public sealed class MembershipTests(SharedCluster shared)
{
    [Fact]
    public async Task The_silos_are_the_active_rows_of_our_membership_table_and_the_hosts_Orleans_reports()
    {
        var cluster = shared.Cluster;
        var silos = cluster.Silos.Select(s => s.Address.ToParsableString()).Order().ToList();
        Assert.Equal(3, silos.Count);

        Assert.All(cluster.Silos, silo => Assert.Equal(
            "MachineGrid.Persistence.Membership.PostgresMembershipTable", silo.Services.GetRequiredService<IMembershipTable>().GetType().FullName));
        Assert.Equal(silos, await ActiveRowsAsync(cluster));
        var hosts = await cluster.Silos[0].Grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        Assert.Equal(silos, hosts.Keys.Select(h => h.ToParsableString()).Order().ToList());
    }

    private static async Task<List<string>> ActiveRowsAsync(ThreeSiloCluster cluster)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT silo_address FROM membership WHERE cluster_id = $1 AND status = $2 ORDER BY silo_address", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = cluster.ClusterId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = (int)SiloStatus.Active });
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }
        return [.. rows.Order()];
    }
}
