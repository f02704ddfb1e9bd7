using Microsoft.Extensions.DependencyInjection;
using Orleans;

namespace MachineGrid.Persistence.Tests.Silo;

/// <summary>Grains on a real silo that stores through AddMachineGridStorage: state and rows survive a new cluster, and unreadable state fails the activation.</summary>
[Collection(StoragePostgresCollection.Name)]
public sealed class GrainStorageSiloTests(PostgresServer postgres)
{
    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task A_grains_state_and_its_rows_survive_a_new_cluster_and_unreadable_state_fails_its_activation(Database database)
    {
        var location = await StorageClusters.NewLocationAsync(database, postgres);

        await using (var cluster = await StorageClusters.StartAsync(database, location))
        {
            var counter = cluster.Grains().GetGrain<ICounterGrain>("a");
            await Task.WhenAll(Enumerable.Range(0, 20).Select(i => cluster.Grains().GetGrain<ICounterGrain>($"many-{i}").Increment()));
            Assert.Equal(1, await counter.Increment());
            Assert.Equal(2, await counter.Increment());
            await cluster.StopAllSilosAsync();
        }

        await using (var cluster = await StorageClusters.StartAsync(database, location))
        {
            Assert.Equal(2, await cluster.Grains().GetGrain<ICounterGrain>("a").Get());
            Assert.Equal(1, await cluster.Grains().GetGrain<ICounterGrain>("many-7").Get());
            var readModel = cluster.GetSiloServiceProvider().GetRequiredService<IReadModel>();
            Assert.Equal(["a/000001", "a/000002"], (await readModel.ScanAsync("counts", "a/", null, 10)).Select(row => row.Key));

            var store = cluster.GetSiloServiceProvider().GetRequiredService<MachineGridStore>();
            var broken = cluster.Grains().GetGrain<ICounterGrain>("broken");
            await using (var connection = await store.Database.OpenConnectionAsync(CancellationToken.None))
            {
                await using var command = connection.CreateCommand();
                command.CommandText = $"INSERT INTO grain_state (grain_id, state_name, version, state) VALUES ('{broken.GetGrainId()}', 'counter', 1, '{{\"count\": [1, 2]}}')";
                await command.ExecuteNonQueryAsync();
            }
            var failure = await Assert.ThrowsAnyAsync<Exception>(() => broken.Get());
            Assert.Contains(broken.GetGrainId().ToString(), failure.Message, StringComparison.Ordinal);
            Assert.Contains("storage 'Default'", failure.Message, StringComparison.Ordinal);
            var stored = await store.Database.ReadStateAsync(broken.GetGrainId().ToString(), "counter", CancellationToken.None);
            Assert.Equal("""{"count": [1, 2]}""", stored!.Json);
            await cluster.StopAllSilosAsync();
        }
    }
}
