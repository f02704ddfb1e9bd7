using Npgsql;

namespace MachineGrid.Persistence.Tests.GrainStorage;

/// <summary>The settings that make an acknowledged write durable hold whatever the database's own defaults say.</summary>
[Collection(StoragePostgresCollection.Name)]
public sealed class DurabilitySettingsTests(PostgresServer postgres)
{
    [Fact]
    public async Task Postgres_commits_synchronously_even_where_the_database_default_is_off()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await using (var admin = new NpgsqlConnection(postgres.ConnectionString))
        {
            await admin.OpenAsync();
            await using var command = new NpgsqlCommand($"ALTER DATABASE \"{database}\" SET synchronous_commit = off", admin);
            await command.ExecuteNonQueryAsync();
        }
        await using (var plain = new NpgsqlConnection(connectionString))
        {
            await plain.OpenAsync();
            Assert.Equal("off", await ShowAsync(plain, "SHOW synchronous_commit"));
        }

        await using var store = TestStores.Open(new StorageOptions().UsePostgres(connectionString));
        await using var connection = await store.Database.OpenConnectionAsync(CancellationToken.None);
        Assert.Equal("on", await ShowAsync(connection, "SHOW synchronous_commit"));
    }

    [Fact]
    public async Task Sqlite_writes_through_a_write_ahead_log_flushed_at_every_commit()
    {
        await using var store = await TestStores.NewStoreAsync(Database.Sqlite, postgres);
        await using var connection = await store.Database.OpenConnectionAsync(CancellationToken.None);
        Assert.Equal("wal", await ShowAsync(connection, "PRAGMA journal_mode"));
        Assert.Equal("2", await ShowAsync(connection, "PRAGMA synchronous"));
    }

    private static async Task<string?> ShowAsync(System.Data.Common.DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
