using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MachineGrid.Persistence;

public static class DataProtectionStorageExtensions
{
    /// <summary>
    /// Keeps Data Protection's keys in the read model of the default storage (the <see cref="IReadModel"/> that
    /// <c>AddMachineGridStorage</c> registers), so every silo on one database shares one key ring; silo start creates the first key under a database lock.
    /// </summary>
    public static IDataProtectionBuilder PersistKeysToMachineGridStorage(this IDataProtectionBuilder builder) =>
        builder.PersistKeysToMachineGridStorage(legacyKeysDirectory: null);

    /// <summary>
    /// As <see cref="PersistKeysToMachineGridStorage(IDataProtectionBuilder)"/>, and when the table holds no keys yet,
    /// first copies the key files of <paramref name="legacyKeysDirectory"/> (the folder <c>PersistKeysToFileSystem</c>
    /// used) into it, so payloads protected before the move still unprotect. Null: no import.
    /// </summary>
    public static IDataProtectionBuilder PersistKeysToMachineGridStorage(this IDataProtectionBuilder builder, string? legacyKeysDirectory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((options, services) =>
            options.XmlRepository = new ReadModelXmlRepository(
                services.GetRequiredService<IReadModel>(),
                legacyKeysDirectory,
                services.GetService<ILogger<ReadModelXmlRepository>>()));
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services => ActivatorUtilities.CreateInstance<FirstDataProtectionKey>(services));
        return builder;
    }
}
