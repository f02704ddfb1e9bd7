using MachineGrid.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace MachineGrid.Persistence.Bench;

internal enum DatabaseKind
{
    Sqlite,
    Postgres,
}

/// <summary>
/// Where the stores of one command live: SQLite files in a temporary folder, and one throwaway PostgreSQL 15 server
/// (fsync on, max_connections 200) shared by every PostgreSQL store of the command, each store in a fresh database.
/// </summary>
internal sealed class BenchStores : IAsyncDisposable
{
    private readonly string folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"machinegrid-persistence-bench-{Guid.NewGuid():N}")).FullName;
    private PostgresServer? server;
    private int counter;

    public static async Task<BenchStores> StartAsync(IEnumerable<DatabaseKind> databases)
    {
        var stores = new BenchStores();
        if (databases.Contains(DatabaseKind.Postgres))
        {
            Console.WriteLine("Starting a throwaway PostgreSQL server (fsync on, synchronous_commit on, max_connections 200)...");
            stores.server = await PostgresServer.StartAsync();
        }
        Console.WriteLine($"SQLite files under {stores.folder} ({DescribeFileSystem(stores.folder)}).");
        return stores;
    }

    public static string Name(DatabaseKind kind) => kind == DatabaseKind.Sqlite ? "SQLite" : "PostgreSQL";

    /// <summary>A new, empty store with its schema created; disposing it deletes its data.</summary>
    /// <param name="postgresSettings">Npgsql connection-string settings added to PostgreSQL's, e.g. <c>Max Auto Prepare=16</c>.</param>
    public async Task<BenchStore> OpenAsync(DatabaseKind kind, Action<StorageOptions> configure, string? postgresSettings = null)
    {
        var options = new StorageOptions { Reminders = false, Membership = false };
        string? database = null;
        string? file = null;
        if (kind == DatabaseKind.Sqlite)
        {
            file = Path.Combine(folder, $"store-{Interlocked.Increment(ref counter)}.db");
            options.UseSqlite(file);
        }
        else
        {
            var connectionString = await server!.CreateDatabaseAsync();
            database = new NpgsqlConnectionStringBuilder(connectionString).Database;
            options.UsePostgres(string.IsNullOrWhiteSpace(postgresSettings) ? connectionString : $"{connectionString};{postgresSettings}");
        }
        configure(options);
        var store = new MachineGridStore(options, NullLoggerFactory.Instance);
        await store.Database.EnsureSchemaAsync();
        return new BenchStore(store, async () =>
        {
            await store.DisposeAsync();
            if (file is not null)
            {
                foreach (var path in new[] { file, file + "-wal", file + "-shm" })
                {
                    File.Delete(path);
                }
            }
            if (database is not null)
            {
                await using var connection = new NpgsqlConnection(server!.ConnectionString);
                await connection.OpenAsync();
                await using var drop = new NpgsqlCommand($"DROP DATABASE \"{database}\" WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync();
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (server is not null)
        {
            await ((IAsyncDisposable)server).DisposeAsync();
        }
        Directory.Delete(folder, recursive: true);
    }

    private static string DescribeFileSystem(string path)
    {
        try
        {
            var best = "";
            var type = "unknown file system";
            foreach (var line in File.ReadAllLines("/proc/mounts"))
            {
                var parts = line.Split(' ');
                if (parts.Length > 2 && path.StartsWith(parts[1], StringComparison.Ordinal) && parts[1].Length > best.Length)
                {
                    best = parts[1];
                    type = $"{parts[2]} on {parts[0]}";
                }
            }
            return type;
        }
        catch (IOException)
        {
            return "unknown file system";
        }
    }
}

internal sealed class BenchStore(MachineGridStore store, Func<Task> dispose) : IAsyncDisposable
{
    public MachineGridStore Store { get; } = store;

    public ValueTask DisposeAsync() => new(dispose());
}
