using MachineGrid.Runtime.Persistence;
using MachineGrid.Runtime.Persistence.Postgres;
using MachineGrid.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace MachineGrid.Runtime.Tests.Storage;

/// <summary>The index store contract against a fresh database on the shared throwaway PostgreSQL server.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresIndexStoreTests(PostgresServer server) : IndexStoreConformanceTests
{
    private readonly PostgresBackend backend = new(server);

    internal override StorageBackend Backend => backend;

    [Theory]
    [InlineData("group/007/queued/", null, false)]
    [InlineData("group/007/queued/", "group/007/queued/0500", false)]
    [InlineData("group/007/queued/", "group/007/queued/0500", true)]
    public async Task Scans_and_counts_are_primary_key_range_scans(string prefix, string? after, bool descending)
    {
        string[] statuses = ["queued", "running", "done", "failed"];
        for (var group = 0; group < 10; group++)
        {
            await Opened.Index.ApplyAsync([.. Enumerable.Range(0, 4000).Select(i => IndexChange.Put("runs", $"group/{group:D3}/{statuses[i % 4]}/{i:D4}", [1, 2, 3]))]);
        }
        await backend.ExecuteAsync("VACUUM ANALYZE index_rows");
        var range = IndexRange.ForScan(prefix, after, descending);

        var scanPlan = await PlanAsync(IndexQuery.Scan("runs", range, 50, descending));
        var countPlan = await PlanAsync(IndexQuery.Count("runs", range));

        Assert.Contains(descending ? "Index Scan Backward using index_rows_pkey" : "Index Scan using index_rows_pkey", scanPlan, StringComparison.Ordinal);
        Assert.Contains("Index Only Scan using index_rows_pkey", countPlan, StringComparison.Ordinal);
        foreach (var plan in new[] { scanPlan, countPlan })
        {
            Assert.Contains("Index Cond: ((table_name = 'runs'::text) AND (key >", plan, StringComparison.Ordinal);
            Assert.Contains($"AND (key < '{range.Upper}'::text))", plan, StringComparison.Ordinal);
            Assert.DoesNotContain("Seq Scan", plan, StringComparison.Ordinal);
            Assert.DoesNotContain("Sort", plan, StringComparison.Ordinal);
            Assert.DoesNotContain("Filter", plan, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Keys_sort_ordinally_in_a_database_whose_default_collation_is_linguistic()
    {
        var name = $"icu_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(server.ConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US'", admin);
            await create.ExecuteNonQueryAsync();
        }
        await using var database = new PostgresDatabase(new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = name }.ConnectionString);
        var index = new PostgresIndexStore(database);
        string[] ordered = ["10", "9", "Z", "a/B", "a/a", "a/b", "é"];

        await index.ApplyAsync([.. ordered.Reverse().Select(key => IndexChange.Put("t", key, [1]))]);

        Assert.Equal(ordered, (await index.ScanAsync("t", "", null, 100)).Select(row => row.Key));
        Assert.Equal(["a/B", "a/a", "a/b"], (await index.ScanAsync("t", "a/", null, 100)).Select(row => row.Key));
        Assert.Equal(["a/a", "a/b"], (await index.ScanAsync("t", "a/", "a/B", 100)).Select(row => row.Key));
    }

    [Fact]
    public async Task Registration_shares_one_database_between_every_store()
    {
        await using var services = new ServiceCollection().AddPostgresStorage(backend.ConnectionString).BuildServiceProvider();

        var index = Assert.IsType<PostgresIndexStore>(services.GetRequiredService<IIndexStore>());
        Assert.Same(index, services.GetRequiredService<IIndexStore>());
        Assert.Same(services.GetRequiredService<PostgresDatabase>(), services.GetRequiredService<PostgresDatabase>());
        await index.ApplyAsync([IndexChange.Put("runs", "r-1", [1])]);
        await services.GetRequiredService<IGrainStorage>().WriteAsync(new GrainId("run", "r-1"), "state", [1], null);

        Assert.Equal(1, await Opened.Index.CountAsync("runs", ""));
    }

    private async Task<string> PlanAsync(IndexQuery query)
    {
        await using var connection = new NpgsqlConnection(backend.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("EXPLAIN " + query.Sql, connection);
        foreach (var value in query.Parameters)
        {
            command.Parameters.Add(value is string text ? new NpgsqlParameter<string> { TypedValue = text } : new NpgsqlParameter<int> { TypedValue = (int)value });
        }
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }
        return string.Join('\n', lines);
    }
}
