using Microsoft.Extensions.Time.Testing;

namespace MachineGrid.Grains.Tests;

/// <summary>Starts one-silo test clusters with the domain grains on a SQLite file and a fake clock.</summary>
public static class GridSilo
{
    /// <summary>A new temporary folder for a silo's database and keys.</summary>
    public static string NewDataDirectory() => TestData.NewDirectory("grains");

    /// <summary>A new fake clock at the tests' start time.</summary>
    public static FakeTimeProvider NewClock() => GridCluster.NewClock();

    /// <summary>Starts a cluster on the folder's database (reuse the folder and clock to simulate a restart).</summary>
    public static Task<GridCluster> StartAsync(string dataDirectory, FakeTimeProvider? clock = null, Action<GridOptions>? configure = null) =>
        GridCluster.StartAsync(dataDirectory, clock, configure);

    /// <summary>
    /// Kills the silo of <paramref name="crashed"/> and starts a new cluster on the folder's database at its time. The
    /// killed silo is never stopped, so nothing it holds in memory is written, and the new one sees only what was
    /// durable. The new cluster gets a new clock at the same time rather than the old one: the killed silo's grain
    /// timers were never disposed and stay armed on the old clock.
    /// </summary>
    public static async Task<GridCluster> OpenAfterCrashAsync(string dataDirectory, GridCluster crashed)
    {
        await crashed.KillAsync();
        return await StartAsync(dataDirectory, new FakeTimeProvider(crashed.Clock.GetUtcNow()));
    }

    /// <summary>Starts a cluster on a new temporary folder.</summary>
    public static Task<GridCluster> StartAsync(FakeTimeProvider? clock = null, Action<GridOptions>? configure = null) =>
        StartAsync(NewDataDirectory(), clock, configure);
}
