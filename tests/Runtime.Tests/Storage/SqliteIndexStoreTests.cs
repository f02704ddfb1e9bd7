using MachineGrid.Runtime.Persistence;
using MachineGrid.Runtime.Persistence.Sqlite;
using Xunit;

namespace MachineGrid.Runtime.Tests.Storage;

/// <summary>The index store contract against a SQLite file in a temporary folder.</summary>
public sealed class SqliteIndexStoreTests : IndexStoreConformanceTests
{
    private readonly SqliteBackend backend = new();

    internal override StorageBackend Backend => backend;

    [Theory]
    [InlineData("run/", null, false)]
    [InlineData("run/", "run/5", false)]
    [InlineData("run/", "run/5", true)]
    [InlineData("", null, true)]
    [InlineData("\U0010FFFF", null, false)]
    public async Task Scans_and_counts_are_primary_key_range_searches(string prefix, string? after, bool descending)
    {
        await backend.EnsureSchemaAsync();
        var range = IndexRange.ForScan(prefix, after, descending);

        var scanPlan = await PlanAsync(IndexQuery.Scan("runs", range, 50, descending));
        var countPlan = await PlanAsync(IndexQuery.Count("runs", range));

        foreach (var plan in new[] { scanPlan, countPlan })
        {
            Assert.StartsWith("SEARCH index_rows USING PRIMARY KEY (table_name=? AND key>?", plan, StringComparison.Ordinal);
            Assert.DoesNotContain("TEMP B-TREE", plan, StringComparison.Ordinal);
        }
        Assert.Equal(range.Upper is not null, scanPlan.Contains("AND key<?)", StringComparison.Ordinal));
    }

    private async Task<string> PlanAsync(IndexQuery query)
    {
        await using var connection = await backend.OpenConnectionAsync();
        await using var command = SqliteIndexStore.Command(connection, query);
        command.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
        await using var reader = await command.ExecuteReaderAsync();
        var details = new List<string>();
        while (await reader.ReadAsync())
        {
            details.Add(reader.GetString(3));
        }
        return string.Join(" | ", details);
    }
}
