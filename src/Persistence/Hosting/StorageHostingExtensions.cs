using MachineGrid.Persistence.Grains;
using MachineGrid.Persistence.Membership;
using MachineGrid.Persistence.Reminders;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Messaging;
using Orleans.Runtime.Hosting;

namespace MachineGrid.Persistence;

public static class StorageHostingExtensions
{
    /// <summary>
    /// Grain storage (also the default storage when named "Default"), the read model and reminders on one database,
    /// and on PostgreSQL the cluster membership table with <see cref="FailureDetection"/>'s timing. Settings are checked here, so a wrong one stops the silo before
    /// it starts; the schema is created or upgraded before the silo joins its cluster.
    /// </summary>
    public static ISiloBuilder AddMachineGridStorage(this ISiloBuilder builder, Action<StorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new StorageOptions();
        configure(options);
        options.Validate();
        var name = options.StorageName;
        var services = builder.Services;

        services.AddKeyedSingleton(name, (sp, _) => new MachineGridStore(options, sp.GetRequiredService<ILoggerFactory>()));
        services.AddKeyedSingleton<IReadModel>(name, (sp, key) => new ReadModel(sp.GetRequiredKeyedService<MachineGridStore>(key)));
        if (name == StorageOptions.DefaultStorageName)
        {
            services.AddSingleton(sp => sp.GetRequiredKeyedService<MachineGridStore>(name));
            services.AddSingleton(sp => sp.GetRequiredKeyedService<IReadModel>(name));
        }
        services.AddGrainStorage(name, (sp, storageName) => new JsonGrainStorage(
            storageName, sp.GetRequiredKeyedService<MachineGridStore>(storageName), sp.GetRequiredService<ILogger<JsonGrainStorage>>()));
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => new SchemaCheck(sp.GetRequiredKeyedService<MachineGridStore>(name)));

        if (options.Reminders)
        {
            builder.AddReminders();
            services.AddSingleton<IReminderTable>(sp => new SqlReminderTable(sp.GetRequiredKeyedService<MachineGridStore>(name)));
        }
        if (options.Membership && options.IsPostgres)
        {
            services.AddSingleton<IMembershipTable>(sp => ActivatorUtilities.CreateInstance<PostgresMembershipTable>(sp, sp.GetRequiredKeyedService<MachineGridStore>(name)));
            services.Configure<ClusterMembershipOptions>(FailureDetection.Apply);
        }
        return builder;
    }

    /// <summary>Clients find the cluster's gateways in the PostgreSQL membership table the silos write.</summary>
    public static IClientBuilder UseMachineGridGateways(this IClientBuilder builder, string postgresConnectionString)
    {
        var options = new StorageOptions { Reminders = false }.UsePostgres(postgresConnectionString);
        options.Validate();
        builder.Services.AddSingleton<IGatewayListProvider>(sp => ActivatorUtilities.CreateInstance<PostgresGatewayListProvider>(sp, options));
        return builder;
    }
}
