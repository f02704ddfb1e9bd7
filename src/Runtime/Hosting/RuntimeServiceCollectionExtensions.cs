using System.Reflection;
using MachineGrid.Runtime.Activation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MachineGrid.Runtime.Hosting;

/// <summary>Adds the grain runtime to a host.</summary>
public static class RuntimeServiceCollectionExtensions
{
    /// <summary>
    /// Adds a silo: grain classes from the configured assemblies (default: the entry assembly and the assemblies it
    /// references), the chosen storage (default in-memory), reminders, timers and idle collection, and
    /// <see cref="IGrainFactory"/> for callers. Register a <see cref="TimeProvider"/> first to run on another clock.
    /// </summary>
    public static IServiceCollection AddMachineGridRuntime(this IServiceCollection services, Action<RuntimeOptions>? configure = null)
    {
        var options = new RuntimeOptions();
        configure?.Invoke(options);
        if (options.GrainAssemblies.Count == 0)
        {
            foreach (var assembly in DefaultGrainAssemblies())
            {
                options.AddGrainAssembly(assembly);
            }
        }
        options.RegisterStorage(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(Options.Create(options));
        services.AddSingleton(new GrainTypeRegistry(options.GrainAssemblies));
        services.AddSingleton<SiloRuntime>();
        services.AddSingleton<IGrainFactory>(sp => sp.GetRequiredService<SiloRuntime>());
        services.AddHostedService<SiloHostedService>();
        return services;
    }

    private static IEnumerable<Assembly> DefaultGrainAssemblies()
    {
        var entry = Assembly.GetEntryAssembly();
        if (entry is null)
        {
            return [];
        }
        var runtimeName = typeof(Grain).Assembly.GetName().Name;
        return entry.GetReferencedAssemblies()
            .Where(name => name.Name?.StartsWith("MachineGrid", StringComparison.Ordinal) == true && name.Name != runtimeName)
            .Select(Assembly.Load)
            .Prepend(entry);
    }
}
