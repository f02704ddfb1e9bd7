using MachineGrid.Runtime.Persistence;
using MachineGrid.Runtime.Persistence.InMemory;
using MachineGrid.Runtime.Persistence.Sqlite;
using MachineGrid.Runtime.Reminders;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace MachineGrid.Runtime.Tests.Storage;

/// <summary>The container registrations the hosting code uses.</summary>
public sealed class StorageRegistrationTests : IDisposable
{
    private readonly TemporaryDirectory directory = new();

    [Fact]
    public async Task Sqlite_registration_shares_one_database_creates_the_folder_and_flushes_on_dispose()
    {
        var path = directory.File("a/b/silo.db");
        var services = new ServiceCollection().AddSqliteStorage(path).BuildServiceProvider();
        var storage = services.GetRequiredService<IGrainStorage>();
        var reminders = services.GetRequiredService<IReminderTable>();
        var index = services.GetRequiredService<IIndexStore>();
        Assert.IsType<SqliteGrainStorage>(storage);
        Assert.IsType<SqliteReminderTable>(reminders);
        Assert.IsType<SqliteIndexStore>(index);
        Assert.Same(services.GetRequiredService<SqliteDatabase>(), services.GetRequiredService<SqliteDatabase>());
        Assert.True(Directory.Exists(directory.File("a/b")));

        var grain = new GrainId("machine", "m-1");
        var queued = Enumerable.Range(0, 50).Select(i => storage.WriteAsync(new GrainId("machine", $"q-{i}"), "state", [(byte)i], null)).ToArray();
        var upsert = reminders.UpsertAsync(grain, "heartbeat", DateTimeOffset.UnixEpoch, TimeSpan.FromMinutes(1));
        var apply = index.ApplyAsync([IndexChange.Put("runs", "r-1", [1])]);
        await services.DisposeAsync();

        Assert.All(await Task.WhenAll(queued), etag => Assert.Equal("1", etag));
        Assert.Equal("1", (await upsert).ETag);
        await apply;
        await Assert.ThrowsAsync<ObjectDisposedException>(() => storage.WriteAsync(grain, "state", [1], null));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => index.ApplyAsync([IndexChange.Put("runs", "r-2", [2])]));
        await using var reopened = new SqliteDatabase(path);
        Assert.Single(await new SqliteReminderTable(reopened).ReadAllAsync());
        Assert.Equal("r-1", Assert.Single(await new SqliteIndexStore(reopened).ScanAsync("runs", "", null, 10)).Key);
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal("1", (await new SqliteGrainStorage(reopened).ReadAsync(new GrainId("machine", $"q-{i}"), "state"))!.ETag);
        }
    }

    [Fact]
    public async Task Sqlite_database_can_be_disposed_by_a_synchronously_disposed_container()
    {
        var services = new ServiceCollection().AddSqliteStorage(directory.File("sync.db")).BuildServiceProvider();
        var write = services.GetRequiredService<IGrainStorage>().WriteAsync(new GrainId("machine", "m"), "state", [1], null);

        services.Dispose();

        Assert.Equal("1", await write);
    }

    [Fact]
    public void In_memory_registration_provides_every_store()
    {
        using var services = new ServiceCollection().AddInMemoryStorage().BuildServiceProvider();

        Assert.IsType<InMemoryGrainStorage>(services.GetRequiredService<IGrainStorage>());
        Assert.IsType<InMemoryReminderTable>(services.GetRequiredService<IReminderTable>());
        Assert.IsType<InMemoryIndexStore>(services.GetRequiredService<IIndexStore>());
        Assert.Same(services.GetRequiredService<IIndexStore>(), services.GetRequiredService<IIndexStore>());
    }

    /// <inheritdoc />
    public void Dispose() => directory.Dispose();
}
