using System.Net;
using System.Net.Sockets;
using MachineGrid.Persistence.Diagnostics;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orleans;
using Orleans.Hosting;

namespace MachineGrid.Persistence.Tests.Faults;

[Collection(StoragePostgresCollection.Name)]
public sealed class BadInputAndFaultTests(PostgresServer postgres)
{
    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task State_that_cannot_be_read_fails_naming_the_grain_and_the_storage_and_the_row_is_left_untouched(Database database)
    {
        await using var storage = await StorageUnderTest.OpenAsync(database, postgres);
        var grain = StorageUnderTest.Grain("unreadable");
        var state = new GrainState<Counter>(new Counter { Value = 1 });
        await storage.Grains.WriteStateAsync("state", grain, state);
        await ExecuteAsync(storage, """UPDATE grain_state SET state = '{"value":"not a number"}'""");

        var failure = await Assert.ThrowsAsync<StateDeserializationException>(() => storage.ReadAsync<Counter>(grain));
        Assert.Contains(grain.ToString(), failure.Message, StringComparison.Ordinal);
        Assert.Contains("storage 'Default'", failure.Message, StringComparison.Ordinal);
        var stored = await storage.Store.Database.ReadStateAsync(grain.ToString(), "state", CancellationToken.None);
        Assert.Equal("""{"value":"not a number"}""", stored!.Json);
        Assert.Equal(1, stored.Version);
    }

    [Fact]
    public async Task A_postgres_server_that_is_down_fails_writes_with_a_clear_exception_and_acknowledges_nothing()
    {
        var nobodyListens = new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Port = FreePort(), Timeout = 2 }.ConnectionString;
        await using var storage = new StorageUnderTest(new StorageOptions().UsePostgres(nobodyListens));
        var state = new GrainState<Counter>(new Counter { Value = 1 });

        var failure = await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.Grains.WriteStateAsync("state", StorageUnderTest.Grain("down"), state));
        Assert.Contains("PostgreSQL", failure.Message, StringComparison.Ordinal);
        Assert.Contains("none of its writes was acknowledged", failure.Message, StringComparison.Ordinal);
        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);
        await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.ReadAsync<Counter>(StorageUnderTest.Grain("down")));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.ReadModel.ScanAsync("t", "", null, 10));
    }

    [Fact]
    public async Task A_sqlite_file_that_cannot_be_created_fails_writes_with_a_clear_exception()
    {
        var blocker = TestData.NewFile("not-a-folder", ".txt");
        await File.WriteAllTextAsync(blocker, "a file where a folder should be");
        await using var storage = new StorageUnderTest(new StorageOptions().UseSqlite(Path.Combine(blocker, "grid.db")));
        var state = new GrainState<Counter>(new Counter());
        var failure = await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.Grains.WriteStateAsync("state", StorageUnderTest.Grain("nowhere"), state));
        Assert.Contains("SQLite", failure.Message, StringComparison.Ordinal);
        Assert.Null(state.ETag);
    }

    [Theory]
    [InlineData("", "UsePostgres: the connection string is empty")]
    [InlineData("Host=127.0.0.1;Port=not-a-port", "UsePostgres: the connection string is not valid")]
    [InlineData("Database=grid;Username=postgres", "UsePostgres: the connection string names no Host")]
    [InlineData("Nonsense Key=1", "UsePostgres: the connection string is not valid")]
    public void A_bad_postgres_connection_string_stops_the_silo_before_it_starts_and_names_the_setting(string connectionString, string expected)
    {
        var builder = Host.CreateApplicationBuilder();
        var failure = Assert.Throws<StorageConfigurationException>(() =>
            builder.UseOrleans(silo => silo.UseLocalhostClustering().AddMachineGridStorage(o => o.UsePostgres(connectionString))));
        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "call UseSqlite(path) or UsePostgres(connectionString)")]
    [InlineData("   ", "UseSqlite: the database path is empty")]
    public void A_missing_database_setting_stops_the_silo_before_it_starts(string? sqlitePath, string expected)
    {
        var builder = Host.CreateApplicationBuilder();
        var failure = Assert.Throws<StorageConfigurationException>(() =>
            builder.UseOrleans(silo => silo.UseLocalhostClustering().AddMachineGridStorage(o =>
            {
                if (sqlitePath is not null)
                {
                    o.UseSqlite(sqlitePath);
                }
            })));
        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_silo_whose_database_cannot_be_reached_refuses_to_start_with_a_message_that_says_where_it_looked()
    {
        var port = FreePort();
        var secret = "pa55-" + Guid.NewGuid().ToString("N");
        var nobodyListens = new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Port = port, Timeout = 2, Password = secret }.ConnectionString;
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(siloPort: FreePort(), gatewayPort: FreePort())
            .AddMachineGridStorage(o =>
            {
                o.UsePostgres(nobodyListens);
                o.Membership = false;
            }));
        using var host = builder.Build();
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());
        var message = Flatten(failure);
        Assert.Contains($"MachineGrid storage cannot open its PostgreSQL database (PostgreSQL at 127.0.0.1:{port}", message, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, message, StringComparison.Ordinal);
    }

    private static string Flatten(Exception exception)
    {
        var messages = new List<string>();
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            messages.Add(current.Message);
            if (current is AggregateException aggregate)
            {
                messages.AddRange(aggregate.InnerExceptions.Select(inner => inner.Message));
            }
        }
        return string.Join(" | ", messages);
    }

    private static async Task ExecuteAsync(StorageUnderTest storage, string sql)
    {
        await using var connection = await storage.Store.Database.OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
