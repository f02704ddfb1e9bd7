using MachineGrid.TestSupport;

namespace MachineGrid.Bench.Lifecycle;

/// <summary>
/// Where a benchmark keeps its data: a new temporary folder (the SQLite file and Data Protection keys) and, for
/// PostgreSQL without a given connection string, a throwaway server with fsync on. Disposing removes both.
/// </summary>
public sealed class BenchStorage : IAsyncDisposable
{
    private readonly PostgresServer? server;
    private readonly bool keep;

    private BenchStorage(string folder, string? postgres, PostgresServer? server, bool keep)
    {
        this.keep = keep;
        Folder = folder;
        Postgres = postgres;
        this.server = server;
    }

    /// <summary>The data folder.</summary>
    public string Folder { get; }

    /// <summary>The PostgreSQL connection string; null for SQLite.</summary>
    public string? Postgres { get; }

    /// <summary>Path of the SQLite database file.</summary>
    public string SqlitePath => Path.Combine(Folder, "machinegrid.db");

    /// <summary>Path of the Data Protection keys.</summary>
    public string KeysPath => Path.Combine(Folder, "keys");

    /// <summary>Prepares the storage the options ask for.</summary>
    public static async Task<BenchStorage> CreateAsync(LifecycleOptions options)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"machinegrid-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        if (options.Storage != "postgres")
        {
            return new BenchStorage(folder, null, null, options.KeepData);
        }
        if (options.Postgres is { } given)
        {
            return new BenchStorage(folder, given, null, options.KeepData);
        }
        var server = await PostgresServer.StartAsync();
        return new BenchStorage(folder, await server.CreateDatabaseAsync(), server, options.KeepData);
    }

    /// <summary>What the storage is, for the summary.</summary>
    public string Describe() => Postgres is null
        ? $"SQLite {SqlitePath} (each write acknowledged once it is durable)"
        : server is null ? "PostgreSQL (given connection string)" : $"PostgreSQL throwaway server on port {server.Port} (fsync on)";

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
        if (keep)
        {
            Console.Error.WriteLine($"Data kept in {Folder}.");
            return;
        }
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temporary folder.
        }
    }
}
