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
}
