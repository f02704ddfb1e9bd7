using MachineGrid.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace MachineGrid.Persistence.Tests.Support;

/// <summary>The two databases every storage case runs on.</summary>
public enum Database
{
    Sqlite,
    Postgres,
}

/// <summary>Fresh storage options for a case: a new SQLite file, or a new database on the test's PostgreSQL server.</summary>
public static class TestStores
{
    public static async Task<StorageOptions> NewOptionsAsync(Database database, PostgresServer postgres, Action<StorageOptions>? configure = null)
    {
        var options = new StorageOptions();
        if (database == Database.Sqlite)
        {
            options.UseSqlite(Path.Combine(TestData.NewDirectory("sqlite"), "grid.db"));
        }
        else
        {
            options.UsePostgres(await postgres.CreateDatabaseAsync());
        }
        configure?.Invoke(options);
        return options;
    }

    internal static MachineGridStore Open(StorageOptions options) => new(options, NullLoggerFactory.Instance);

    internal static async Task<MachineGridStore> NewStoreAsync(Database database, PostgresServer postgres, Action<StorageOptions>? configure = null) =>
        Open(await NewOptionsAsync(database, postgres, configure));
}
