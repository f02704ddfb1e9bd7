using MachineGrid.Runtime.Persistence.Sqlite;
using Xunit;

namespace MachineGrid.Runtime.Tests.Storage;

/// <summary>The storage contract against a SQLite file in a temporary folder.</summary>
public sealed class SqliteStorageTests : StorageConformanceTests
{
    private readonly SqliteBackend backend = new();

    internal override StorageBackend Backend => backend;

    [Fact]
    public async Task The_database_uses_wal_and_full_synchronous_commits()
    {
        await using (var database = new SqliteDatabase(backend.DatabasePath))
        {
            await new SqliteGrainStorage(database).WriteAsync(new GrainId("machine", "m"), "state", [1], null);
        }
        await using var connection = await backend.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Committed_pages_reach_the_database_file_in_the_background_while_the_log_is_far_below_its_checkpoint_size()
    {
        await using var database = new SqliteDatabase(backend.DatabasePath);
        var storage = new SqliteGrainStorage(database);
        var payload = new byte[4096];
        await Task.WhenAll(Enumerable.Range(0, 256).Select(i => storage.WriteAsync(new GrainId("machine", $"m{i}"), "state", payload, null)));

        // 256 pages of state sit in the log, 64 times fewer than the writer's own checkpoint threshold (16,384 pages).
        await Eventually.True(() => new FileInfo(backend.DatabasePath).Length >= 256 * 4096, "the background checkpointer copied the log into the database file");
        Assert.Equal(payload, (await storage.ReadAsync(new GrainId("machine", "m255"), "state"))!.Data);
    }
}
