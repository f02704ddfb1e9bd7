using MachineGrid.Silo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace MachineGrid.Bench.Lifecycle;

/// <summary>
/// Configures a host the way the silo program does (<see cref="SiloHostExtensions.AddMachineGridSilo"/>), on the
/// benchmark's storage: the data folder, the PostgreSQL connection string if any, free silo and gateway ports, cheap
/// password hashing and logging cut to warnings so the console does not take part in the measurement.
/// </summary>
public static class BenchSilo
{
    /// <summary>Adds the silo's settings for <paramref name="storage"/>, then the silo itself, to <paramref name="builder"/>.</summary>
    /// <param name="builder">A web or generic host builder.</param>
    /// <param name="storage">Where the grains keep their state.</param>
    /// <param name="calls">When profiling, the filter that counts grain calls per type; null adds none.</param>
    /// <param name="extra">More settings (e.g. the gateway's).</param>
    public static void Configure(IHostApplicationBuilder builder, BenchStorage storage, GrainCallCounter? calls, IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["MachineGrid:Data"] = storage.Folder,
            ["MachineGrid:Postgres"] = storage.Postgres,
            ["MachineGrid:SiloPort"] = "0",
            ["MachineGrid:GatewayPort"] = "0",
            ["MachineGrid:Limits:PasswordIterations"] = "1000",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore.DataProtection"] = "Error",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.AddMachineGridSilo();
        if (calls is not null)
        {
            builder.Services.AddSingleton(calls);
            builder.Services.AddSingleton<IIncomingGrainCallFilter>(calls);
        }
    }

    /// <summary>
    /// Activations per grain type across the cluster, from Orleans' management grain, for the summary; the old runtime's
    /// statistics have no other Orleans equivalent the benchmark uses.
    /// </summary>
    public static async Task<string> DescribeActivationsAsync(IGrainFactory grains)
    {
        try
        {
            var management = grains.GetGrain<IManagementGrain>(0);
            var hosts = await management.GetHosts(onlyActive: true);
            var statistics = await management.GetSimpleGrainStatistics();
            var byType = statistics.GroupBy(s => s.GrainType).Select(g => (Type: g.Key, Count: g.Sum(s => s.ActivationCount)))
                .Where(t => t.Count > 0).OrderByDescending(t => t.Count).ToList();
            return $"  grains     {byType.Sum(t => t.Count):N0} activations on {hosts.Count} silo(s) at the end (IManagementGrain): " +
                string.Join(", ", byType.Select(t => $"{ShortName(t.Type)} {t.Count:N0}"));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return $"  grains     (IManagementGrain statistics unavailable: {e.GetType().Name})";
        }
    }

    private static string ShortName(string type)
    {
        var name = type.Split(',')[0];
        return name[(name.LastIndexOf('.') + 1)..];
    }
}
