using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using MachineGrid.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace MachineGrid.Grains;

/// <summary>Adds the domain grains' services to a silo.</summary>
public static class GridServiceCollectionExtensions
{
    /// <summary>
    /// Registers the domain's options, the read-model helpers and Data Protection, which encrypts local credential
    /// secrets at rest with keys kept in the storage (so every silo shares them). Key files of an older install under
    /// <paramref name="legacyKeysDirectory"/> are imported once.
    /// </summary>
    public static ISiloBuilder AddMachineGridGrains(this ISiloBuilder silo, string? legacyKeysDirectory = null, Action<GridOptions>? configure = null)
    {
        var services = silo.Services;
        services.AddGridOptions(configure);
        services.AddSingleton<SubmissionGate>();
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<DirectoryIndex>();
        services.AddSingleton<RunIndex>();
        services.AddSingleton<GroupRunRows>();
        services.AddSingleton<ApiKeys>();
        services.AddSingleton<DeletedCredentials>();
        services.AddSingleton<GridEvents>();
        services.AddHostedService<GridEventsPump>();
        GridMetrics.PublishQueueDepth();
        services.AddSingleton<IIncomingGrainCallFilter, CallerIdentityFilter>();
        GrainInterfaceTypeCache.AddTo(services);
        services.AddDataProtection()
            .SetApplicationName("MachineGrid")
            .PersistKeysToMachineGridStorage(legacyKeysDirectory);
        return silo;
    }

    /// <summary>Registers the domain's limits, checked when the host starts.</summary>
    internal static IServiceCollection AddGridOptions(this IServiceCollection services, Action<GridOptions>? configure)
    {
        services.AddOptions<GridOptions>()
            .Configure(o => configure?.Invoke(o))
            .Validate(o => o.MaxConcurrentSubmissions >= 1, "MachineGrid:Limits:MaxConcurrentSubmissions must be at least 1.")
            .ValidateOnStart();
        return services;
    }

    /// <summary>Stores grain state as the grains' JSON contracts expect: web settings, nulls left out, source-generated contracts first.</summary>
    public static StorageOptions UseGridStateJson(this StorageOptions storage)
    {
        storage.Json = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            TypeInfoResolver = JsonTypeInfoResolver.Combine(GrainStateJsonContext.Default, new DefaultJsonTypeInfoResolver()),
        };
        return storage;
    }
}
