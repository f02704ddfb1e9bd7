using MachineGrid.Runtime.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace MachineGrid.Grains.Tests;

/// <summary>Starts an in-process silo with the domain grains on a SQLite file and a manual clock.</summary>
public static class GridSilo
{
    /// <summary>A new temporary folder for a silo's database and keys.</summary>
    public static string NewDataDirectory() => TestData.NewDirectory("grains");

    /// <summary>Starts a silo on the folder's database (reuse the folder and clock to simulate a restart).</summary>
    public static Task<TestSilo> StartAsync(string dataDirectory, ManualTimeProvider? clock = null, Action<GridOptions>? configure = null)
    {
        IServiceCollection? services = null;
        return TestSilo.StartAsync(
            runtime =>
            {
                runtime.UseSqlite(Path.Combine(dataDirectory, "grid.db"));
                services!.AddMachineGridGrains(runtime, Path.Combine(dataDirectory, "keys"), o =>
                {
                    o.PasswordIterations = 1_000;
                    configure?.Invoke(o);
                });
            },
            clock ?? new ManualTimeProvider(),
            s => services = s);
    }

    /// <summary>
    /// Crashes the storage of <paramref name="crashed"/> and starts a second silo on the folder's database at its time.
    /// The first is never stopped, so nothing it holds in memory is written, and the second sees only what was durable.
    /// </summary>
    public static Task<TestSilo> OpenAfterCrashAsync(string dataDirectory, TestSilo crashed)
    {
        crashed.CrashStorage();
        return StartAsync(dataDirectory, new ManualTimeProvider(crashed.ManualClock.GetUtcNow()));
    }

    /// <summary>Starts a silo on a new temporary folder.</summary>
    public static Task<TestSilo> StartAsync(ManualTimeProvider? clock = null, Action<GridOptions>? configure = null) =>
        StartAsync(NewDataDirectory(), clock, configure);
}
