using MachineGrid.Persistence.Writes;
using Microsoft.Extensions.Logging;

namespace MachineGrid.Persistence;

/// <summary>The database and its writer, one per storage name, shared by grain storage, read model and reminders.</summary>
internal sealed class MachineGridStore : IAsyncDisposable
{
    public MachineGridStore(StorageOptions options, ILoggerFactory loggerFactory)
    {
        Options = options;
        Database = options.CreateDatabase();
        Committer = new GroupCommitter(Database, options, loggerFactory.CreateLogger<GroupCommitter>());
    }

    public StorageOptions Options { get; }

    public StorageDatabase Database { get; }

    public GroupCommitter Committer { get; }

    public async ValueTask DisposeAsync()
    {
        await Committer.DisposeAsync().ConfigureAwait(false);
        await Database.DisposeAsync().ConfigureAwait(false);
    }
}
