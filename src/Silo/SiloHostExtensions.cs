using MachineGrid.Gateway;
using MachineGrid.Grains;
using MachineGrid.Persistence;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace MachineGrid.Silo;

/// <summary>Wires the silo into a host.</summary>
public static class SiloHostExtensions
{
    /// <summary>
    /// Adds an Orleans silo with the grid's grains on the configured storage: PostgreSQL (with its membership table)
    /// when a connection string is given, else SQLite under the data folder with localhost clustering. Call it before
    /// the host starts: it also sets how the process completes socket operations (<see cref="InlineSocketCompletions"/>).
    /// </summary>
    public static IHostApplicationBuilder AddMachineGridSilo(this IHostApplicationBuilder builder)
    {
        InlineSocketCompletions.EnableUnlessSet();
        var settings = builder.Configuration.GetSection("MachineGrid").Get<SiloSettings>() ?? new SiloSettings();
        var data = Path.GetFullPath(settings.Data);
        if (string.IsNullOrWhiteSpace(settings.ClusterId))
        {
            throw new SiloStartupException("The cluster id (--cluster-id, MachineGrid:ClusterId) is empty.");
        }
        var postgres = !string.IsNullOrWhiteSpace(settings.Postgres);
        if (!postgres && !string.IsNullOrWhiteSpace(settings.AdvertisedAddress))
        {
            throw new SiloStartupException("--advertised-address needs --postgres: on SQLite the silo is a cluster of one on 127.0.0.1.");
        }
        var endpoints = SiloEndpoints.Resolve(settings);
        var limits = builder.Configuration.GetSection("MachineGrid:Limits");
        builder.Services.AddSingleton(new StorageDescription(postgres ? "PostgreSQL" : $"SQLite {Path.Combine(data, "machinegrid.db")}"));
        builder.UseOrleans(silo =>
        {
            if (postgres)
            {
                silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (settings.ClusterId, settings.ClusterId));
                silo.ConfigureEndpoints(endpoints.Advertised, endpoints.SiloPort, endpoints.GatewayPort, endpoints.ListenOnAnyAddress);
                silo.AddMachineGridStorage(o => o.UsePostgres(settings.Postgres!).UseGridStateJson());
            }
            else
            {
                silo.UseLocalhostClustering(endpoints.SiloPort, endpoints.GatewayPort, serviceId: settings.ClusterId, clusterId: settings.ClusterId);
                silo.AddMachineGridStorage(o => o.UseSqlite(Path.Combine(data, "machinegrid.db")).UseGridStateJson());
            }
            silo.AddDashboard();
            silo.AddMachineGridGrains(Path.Combine(data, "keys"), o => limits.Bind(o));
        });
        return builder;
    }
}
