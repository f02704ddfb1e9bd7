using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace MachineGrid.Persistence.Tests.Support;

/// <summary>One-silo test clusters that store through <c>AddMachineGridStorage</c>; the cases call grains through the silo's own factory, so no client is started.</summary>
public static class StorageClusters
{
    public static async Task<string> NewLocationAsync(Database database, PostgresServer postgres) =>
        database == Database.Sqlite ? Path.Combine(TestData.NewDirectory("silo"), "grid.db") : await postgres.CreateDatabaseAsync();

    public static async Task<InProcessTestCluster> StartAsync(Database database, string location, Action<ISiloBuilder>? configure = null)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.Options.InitializeClientOnDeploy = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMachineGridStorage(options =>
            {
                if (database == Database.Sqlite)
                {
                    options.UseSqlite(location);
                }
                else
                {
                    options.UsePostgres(location);
                }
                options.Membership = false;
            });
            configure?.Invoke(silo);
        });
        var cluster = await builder.BuildAndDeployAsync();
        return cluster;
    }

    public static IGrainFactory Grains(this InProcessTestCluster cluster) => cluster.GetSiloServiceProvider().GetRequiredService<IGrainFactory>();
}
