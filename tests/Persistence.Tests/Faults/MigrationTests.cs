using System.Data.Common;

namespace MachineGrid.Persistence.Tests.Faults;

[Collection(StoragePostgresCollection.Name)]
public sealed class MigrationTests(PostgresServer postgres)
{
    [Fact]
    public async Task Silos_starting_at_once_on_an_empty_postgres_database_create_the_schema_once()
    {
        var options = await TestStores.NewOptionsAsync(Database.Postgres, postgres);
        var stores = Enumerable.Range(0, 6).Select(_ => TestStores.Open(options)).ToArray();
        try
        {
            await Task.WhenAll(stores.Select(store => Task.Run(() => store.Database.EnsureSchemaAsync())));
            Assert.Equal([(1L, 1L)], await MigrationRowsAsync(stores[0].Database));
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Of_silos_starting_at_once_on_one_sqlite_file_one_owns_it_and_the_others_are_refused_until_it_closes()
    {
        var options = await TestStores.NewOptionsAsync(Database.Sqlite, postgres);
        var stores = Enumerable.Range(0, 4).Select(_ => TestStores.Open(options)).ToArray();
        try
        {
            var starts = stores.Select(store => Task.Run(() => store.Database.EnsureSchemaAsync())).ToArray();
            await Task.WhenAll(starts).ContinueWith(_ => { }, TaskScheduler.Default);
            var owner = Assert.Single(stores, store => store.Database.EnsureSchemaAsync().IsCompletedSuccessfully);
            foreach (var refused in starts.Where(start => start.IsFaulted))
            {
                var failure = Assert.IsType<StorageConfigurationException>(refused.Exception!.InnerException);
                Assert.Contains("is in use by another silo", failure.Message, StringComparison.Ordinal);
            }
            Assert.Equal(3, starts.Count(start => start.IsFaulted));
            Assert.Equal([(1L, 1L)], await MigrationRowsAsync(owner.Database));

            await owner.DisposeAsync();
            var next = stores.First(store => store != owner);
            await next.Database.EnsureSchemaAsync();
            Assert.Equal([(1L, 1L)], await MigrationRowsAsync(next.Database));
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task Reopening_a_migrated_database_changes_nothing_and_keeps_the_data(Database database)
    {
        await using var storage = await StorageUnderTest.OpenAsync(database, postgres);
        await storage.ReadModel.WriteAsync([RowChange.Put("t", "kept", [1, 2, 3])]);
        await storage.ReopenAsync();
        await storage.Store.Database.EnsureSchemaAsync();
        Assert.Equal([(1L, 1L)], await MigrationRowsAsync(storage.Store.Database));
        Assert.Equal([1, 2, 3], (await storage.ReadModel.ScanAsync("t", "", null, 1))[0].Value);
    }

    private static async Task<List<(long Version, long Count)>> MigrationRowsAsync(StorageDatabase database)
    {
        await using DbConnection connection = await database.OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, count(*) FROM schema_migrations GROUP BY version ORDER BY version";
        var rows = new List<(long, long)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture), reader.GetInt64(1)));
        }
        return rows;
    }
}
