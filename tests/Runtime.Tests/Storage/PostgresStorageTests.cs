using MachineGrid.Runtime.Persistence;
using MachineGrid.Runtime.Persistence.Postgres;
using MachineGrid.TestSupport;
using Xunit;

namespace MachineGrid.Runtime.Tests.Storage;

/// <summary>The storage contract against a fresh database on the shared throwaway PostgreSQL server.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStorageTests(PostgresServer server) : StorageConformanceTests
{
    private readonly PostgresBackend backend = new(server);

    internal override StorageBackend Backend => backend;

    private string ConnectionString => backend.ConnectionString;

    [Fact]
    public async Task Concurrent_databases_create_the_schema_once_without_errors()
    {
        var databases = Enumerable.Range(0, 8).Select(_ => new PostgresDatabase(ConnectionString)).ToArray();
        try
        {
            await Task.WhenAll(databases.Select((database, i) => new PostgresGrainStorage(database).WriteAsync(new GrainId("machine", $"m{i}"), "state", [1], null)));
        }
        finally
        {
            foreach (var database in databases)
            {
                await database.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_failed_commit_fails_every_write_of_its_batch_and_later_batches_still_commit()
    {
        await using var database = new PostgresDatabase(ConnectionString);
        var storage = new PostgresGrainStorage(database);
        Task<string>[] batch;
        await using (await Backend.HoldOneBatchAsync(storage))
        {
            // PostgreSQL rejects a NUL character in text, which fails the whole transaction.
            batch = [
                storage.WriteAsync(new GrainId("machine", "good-1"), "state", [1], null),
                storage.WriteAsync(new GrainId("machine", "bad\0key"), "state", [2], null),
                storage.WriteAsync(new GrainId("machine", "good-2"), "state", [3], null),
            ];
        }

        foreach (var write in batch)
        {
            var failure = await Assert.ThrowsAnyAsync<Exception>(() => write);
            Assert.IsNotType<InconsistentStateException>(failure);
        }
        Assert.Null(await storage.ReadAsync(new GrainId("machine", "good-1"), "state"));
        Assert.Equal("1", await storage.WriteAsync(new GrainId("machine", "good-1"), "state", [1], null));
    }

    [Fact]
    public async Task Two_silos_writing_one_record_are_fenced_by_the_etag()
    {
        await using var first = new PostgresDatabase(ConnectionString);
        await using var second = new PostgresDatabase(ConnectionString);
        var grain = new GrainId("machinegroup", "shared");
        var etag = await new PostgresGrainStorage(first).WriteAsync(grain, "state", [1], null);

        var results = await Task.WhenAll(
            Capture(new PostgresGrainStorage(first).WriteAsync(grain, "state", [2], etag)),
            Capture(new PostgresGrainStorage(second).WriteAsync(grain, "state", [3], etag)));

        Assert.Single(results, r => r is string);
        Assert.Single(results, r => r is InconsistentStateException);
        Assert.Equal("2", (await new PostgresGrainStorage(second).ReadAsync(grain, "state"))!.ETag);
    }

    private static async Task<object> Capture(Task<string> write)
    {
        try
        {
            return await write;
        }
        catch (InconsistentStateException ex)
        {
            return ex;
        }
    }
}
