using System.Text;
using Orleans;
using MachineGrid.Persistence.Writes;
using Orleans.Storage;

namespace MachineGrid.Persistence.Tests.ReadModel;

[Collection(StoragePostgresCollection.Name)]
public sealed class ReadModelTests(PostgresServer postgres)
{
    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task Rows_carried_by_a_write_commit_with_it_and_a_failed_write_leaves_none_of_its_rows(Database database)
    {
        await using var storage = await StorageUnderTest.OpenAsync(database, postgres);
        var grain = StorageUnderTest.Grain("with-rows");
        var state = new GrainState<CounterWithRows>(new CounterWithRows { Value = 1 });
        state.State!.PutRow("runs", "g/1/a", Bytes("first"));
        state.State.PutRow("runs", "g/1/b", Bytes("second"));
        await storage.Grains.WriteStateAsync("state", grain, state);
        Assert.Equal(0, state.State.StagedRowCount);

        var stale = new GrainState<CounterWithRows>(new CounterWithRows { Value = 9 }) { ETag = "99" };
        stale.State!.PutRow("runs", "g/1/c", Bytes("never"));
        stale.State.DeleteRow("runs", "g/1/a");
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.Grains.WriteStateAsync("state", grain, stale));
        Assert.Equal(2, stale.State.StagedRowCount);

        await storage.ReopenAsync();
        var rows = await storage.ReadModel.ScanAsync("runs", "g/1/", null, 10);
        Assert.Equal(["g/1/a", "g/1/b"], rows.Select(row => row.Key));
        Assert.Equal("first", Encoding.UTF8.GetString(rows[0].Value));

        state.State.DeleteRow("runs", "g/1/a");
        state.State.PutRow("runs", "g/1/b", Bytes("changed"));
        state.State.Value = 2;
        await storage.Grains.WriteStateAsync("state", grain, state);
        rows = await storage.ReadModel.ScanAsync("runs", "g/1/", null, 10);
        Assert.Equal(["g/1/b"], rows.Select(row => row.Key));
        Assert.Equal("changed", Encoding.UTF8.GetString(rows[0].Value));
        Assert.Equal(1, await storage.ReadModel.CountAsync("runs", "g/1/"));
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task In_one_batch_each_row_takes_the_last_change_among_rows_written_alone_and_state_writes_that_applied(Database database)
    {
        await using var storage = await StorageUnderTest.OpenAsync(database, postgres);
        var existing = StorageUnderTest.Grain("batch-existing").ToString();
        var stale = StorageUnderTest.Grain("batch-stale").ToString();
        var fresh = StorageUnderTest.Grain("batch-fresh").ToString();
        foreach (var grain in new[] { existing, stale })
        {
            var first = new PendingStateWrite(grain, "state", "{}", null, []);
            await storage.Store.Database.CommitAsync([first], CancellationToken.None);
            first.Complete();
            Assert.Equal(1, await first.Task);
        }

        var alone = new PendingRowsWrite([RowChange.Put("b", "k1", Bytes("alone")), RowChange.Put("b", "k2", Bytes("alone"))]);
        var update = new PendingStateWrite(existing, "state", "{\"Value\":2}", 1, [RowChange.Put("b", "k1", Bytes("update")), RowChange.Delete("b", "k2")]);
        var insert = new PendingStateWrite(fresh, "state", "{\"Value\":3}", null, [RowChange.Put("b", "k3", Bytes("insert"))]);
        var refused = new PendingStateWrite(stale, "state", "{\"Value\":9}", 5, [RowChange.Put("b", "k1", Bytes("refused")), RowChange.Put("b", "k4", Bytes("refused"))]);
        var then = new PendingRowsWrite([RowChange.Put("b", "k5", Bytes("first"))]);
        var last = new PendingRowsWrite([RowChange.Put("b", "k5", Bytes("last")), RowChange.Put("b", "k2", Bytes("again")), RowChange.Delete("b", "k2")]);
        PendingWrite[] batch = [alone, update, insert, refused, then, last];
        await storage.Store.Database.CommitAsync(batch, CancellationToken.None);
        foreach (var write in batch)
        {
            write.Complete();
        }

        Assert.Equal(2, await update.Task);
        Assert.Equal(1, await insert.Task);
        await Assert.ThrowsAsync<StaleVersionException>(() => refused.Task);
        await storage.ReopenAsync();
        var rows = await storage.ReadModel.ScanAsync("b", "k", null, 10);
        Assert.Equal(["k1=update", "k3=insert", "k5=last"], rows.Select(row => $"{row.Key}={Encoding.UTF8.GetString(row.Value)}"));
        Assert.Equal(2, (await storage.ReadAsync<Counter>(StorageUnderTest.Grain("batch-existing"))).State!.Value);
        Assert.Equal(3, (await storage.ReadAsync<Counter>(StorageUnderTest.Grain("batch-fresh"))).State!.Value);
        Assert.Equal(0, (await storage.ReadAsync<Counter>(StorageUnderTest.Grain("batch-stale"))).State!.Value);
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task A_clear_carries_its_staged_rows_and_leaves_an_empty_state_and_a_record_can_stage_rows_too(Database database)
    {
        await using var storage = await StorageUnderTest.OpenAsync(database, postgres);
        var grain = StorageUnderTest.Grain("cleared-with-rows");
        var state = new GrainState<CounterWithRows>(new CounterWithRows { Value = 4 });
        state.State!.PutRow("machines", "m/1", Bytes("listed"));
        await storage.Grains.WriteStateAsync("state", grain, state);
        var before = state.State;
        before.DeleteRow("machines", "m/1");
        await storage.Grains.ClearStateAsync("state", grain, state);
        Assert.NotSame(before, state.State);
        Assert.Equal(0, state.State!.Value);
        Assert.Equal(0, before.StagedRowCount);
        Assert.Empty(await storage.ReadModel.ScanAsync("machines", "", null, 10));

        var record = new GrainState<CredentialRecord>(new CredentialRecord("robot"));
        record.State!.StagedRows.Put("credentials", "c/robot", Bytes("robot"));
        await storage.Grains.WriteStateAsync("record", grain, record);
        Assert.Equal(0, record.State.StagedRows.Count);
        Assert.Equal(["c/robot"], (await storage.ReadModel.ScanAsync("credentials", "", null, 10)).Select(row => row.Key));
        var stored = await storage.Store.Database.ReadStateAsync(grain.ToString(), "record", CancellationToken.None);
        Assert.Equal("""{"name":"robot"}""", stored!.Json);
    }

    public sealed record CredentialRecord(string Name) : IHasStagedRows
    {
        [System.Text.Json.Serialization.JsonIgnore]
        public StagedRows StagedRows { get; } = new();
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task Staged_rows_are_not_part_of_the_stored_json(Database database)
    {
        await using var storage = await StorageUnderTest.OpenAsync(database, postgres);
        var grain = StorageUnderTest.Grain("json-only");
        var state = new GrainState<CounterWithRows>(new CounterWithRows { Value = 3 });
        state.State!.PutRow("audit", "k", Bytes("secret-looking value"));
        await storage.Grains.WriteStateAsync("state", grain, state);
        var stored = await storage.Store.Database.ReadStateAsync(grain.ToString(), "state", CancellationToken.None);
        Assert.Equal("""{"value":3}""", stored!.Json);
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task Pages_follow_keys_in_both_directions_and_stay_inside_the_prefix(Database database)
    {
        await using var storage = await StorageUnderTest.OpenAsync(database, postgres);
        var keys = Enumerable.Range(0, 95).Select(i => $"g/7/t/{i:D4}").ToList();
        await storage.ReadModel.WriteAsync([.. keys.Select(key => RowChange.Put("runs", key, Bytes(key)))]);
        await storage.ReadModel.WriteAsync(
        [
            RowChange.Put("runs", "g/6/t/9999", Bytes("before")),
            RowChange.Put("runs", "g/8/t/0000", Bytes("after")),
            RowChange.Put("other", "g/7/t/0001", Bytes("other table")),
        ]);

        Assert.Equal(keys, await PageThroughAsync(storage.ReadModel, descending: false));
        Assert.Equal(Enumerable.Reverse(keys), await PageThroughAsync(storage.ReadModel, descending: true));
        Assert.Equal(95, await storage.ReadModel.CountAsync("runs", "g/7/"));
        Assert.Equal(97, await storage.ReadModel.CountAsync("runs", ""));

        var fromMiddle = await storage.ReadModel.ScanAsync("runs", "g/7/", "g/7/t/0050", 3, descending: true);
        Assert.Equal(["g/7/t/0049", "g/7/t/0048", "g/7/t/0047"], fromMiddle.Select(row => row.Key));
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task Keys_sort_by_code_point_on_both_databases(Database database)
    {
        await using var storage = await StorageUnderTest.OpenAsync(database, postgres);
        string[] keys = ["p/A", "p/Z", "p/a", "p/z", "p/é", "p/\uFFFD", "p/😀"];
        await storage.ReadModel.WriteAsync([.. keys.Reverse().Select(key => RowChange.Put("order", key, []))]);
        var rows = await storage.ReadModel.ScanAsync("order", "p/", null, 100);
        Assert.Equal(keys, rows.Select(row => row.Key));
        var upper = await storage.ReadModel.ScanAsync("order", "p/\uFFFD", null, 100);
        Assert.Equal(["p/\uFFFD"], upper.Select(row => row.Key));
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task Bad_keys_and_scans_are_refused_before_anything_is_written(Database database)
    {
        await using var storage = await StorageUnderTest.OpenAsync(database, postgres);
        await storage.ReadModel.WriteAsync([RowChange.Put("t", "kept", Bytes("v"))]);
        await Assert.ThrowsAsync<ArgumentException>(() => storage.ReadModel.WriteAsync([RowChange.Put("t", "ok", []), RowChange.Put("t", "nul\0", [])]));
        await Assert.ThrowsAsync<ArgumentException>(() => storage.ReadModel.WriteAsync([RowChange.Put("t", new string('k', 1025), [])]));
        await Assert.ThrowsAsync<ArgumentException>(() => storage.ReadModel.WriteAsync([RowChange.Put("", "k", [])]));
        await Assert.ThrowsAsync<ArgumentException>(() => storage.ReadModel.WriteAsync([RowChange.Put("t", "bad \uD800 surrogate", [])]));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => storage.ReadModel.ScanAsync("t", "", null, 0));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => storage.ReadModel.ScanAsync("t", "", null, 10_001));
        Assert.Throws<ArgumentException>(() => new CounterWithRows().PutRow("t", "", []));
        Assert.Equal(["kept"], (await storage.ReadModel.ScanAsync("t", "", null, 10)).Select(row => row.Key));
    }

    private static async Task<List<string>> PageThroughAsync(IReadModel readModel, bool descending)
    {
        var seen = new List<string>();
        string? after = null;
        while (true)
        {
            var page = await readModel.ScanAsync("runs", "g/7/", after, 10, descending);
            seen.AddRange(page.Select(row => row.Key));
            if (page.Count < 10)
            {
                return seen;
            }
            after = page[^1].Key;
        }
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
