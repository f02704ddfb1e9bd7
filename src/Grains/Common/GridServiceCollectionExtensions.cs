using MachineGrid.Runtime.Hosting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace MachineGrid.Grains;

/// <summary>Adds the domain grains' services to a silo.</summary>
public static class GridServiceCollectionExtensions
{
    /// <summary>
    /// Registers the domain's options, the audit trail and Data Protection (which encrypts local credential secrets at rest;
    /// its keys are kept in <paramref name="keysDirectory"/>), and scans this assembly for grains.
    /// </summary>
    public static IServiceCollection AddMachineGridGrains(this IServiceCollection services, RuntimeOptions runtime, string keysDirectory, Action<GridOptions>? configure = null)
    {
        runtime.AddGrainAssembly(typeof(GridServiceCollectionExtensions).Assembly);
        runtime.JsonResolvers.Add(GrainStateJsonContext.Default);
        services.AddOptions<GridOptions>().Configure(o => configure?.Invoke(o));
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<DirectoryIndex>();
        services.AddSingleton<RunIndex>();
        services.AddSingleton<GroupRunRows>();
        services.AddSingleton<ApiKeys>();
        services.AddSingleton<KeyRevocations>();
        services.AddSingleton<DeletedCredentials>();
        services.AddSingleton<AssignmentSignals>();
        services.AddSingleton<GridEvents>();
        services.AddDataProtection()
            .SetApplicationName("MachineGrid")
            .PersistKeysToFileSystem(new DirectoryInfo(keysDirectory));
        return services;
    }
}
