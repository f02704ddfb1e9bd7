using MachineGrid.Runtime.Persistence.InMemory;
using MachineGrid.Runtime.Persistence.Postgres;
using MachineGrid.Runtime.Persistence.Sqlite;
using MachineGrid.Runtime.Reminders;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MachineGrid.Runtime.Persistence;

/// <summary>
/// Registers a storage provider: singletons for <see cref="IGrainStorage"/>, <see cref="IReminderTable"/> and
/// <see cref="IIndexStore"/>, sharing one database object that the container disposes (flushing queued writes) on shutdown.
/// </summary>
internal static class StorageServiceCollectionExtensions
{
    /// <summary>Keeps state, reminders and index rows in process memory (tests).</summary>
    public static IServiceCollection AddInMemoryStorage(this IServiceCollection services)
    {
        services.AddSingleton<IGrainStorage, InMemoryGrainStorage>();
        services.AddSingleton<IReminderTable, InMemoryReminderTable>();
        services.AddSingleton<IIndexStore, InMemoryIndexStore>();
        return services;
    }

    /// <summary>Keeps state, reminders and index rows in the SQLite file at <paramref name="path"/>; its folder is created when missing.</summary>
    public static IServiceCollection AddSqliteStorage(this IServiceCollection services, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        services.AddSingleton(provider => new SqliteDatabase(path, Logger<SqliteDatabase>(provider)));
        services.AddSingleton<IGrainStorage>(provider => new SqliteGrainStorage(provider.GetRequiredService<SqliteDatabase>()));
        services.AddSingleton<IReminderTable>(provider => new SqliteReminderTable(provider.GetRequiredService<SqliteDatabase>()));
        services.AddSingleton<IIndexStore>(provider => new SqliteIndexStore(provider.GetRequiredService<SqliteDatabase>()));
        return services;
    }

    /// <summary>Keeps state, reminders and index rows in the PostgreSQL database named by <paramref name="connectionString"/>.</summary>
    public static IServiceCollection AddPostgresStorage(this IServiceCollection services, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        services.AddSingleton(provider => new PostgresDatabase(connectionString, Logger<PostgresDatabase>(provider)));
        services.AddSingleton<IGrainStorage>(provider => new PostgresGrainStorage(provider.GetRequiredService<PostgresDatabase>()));
        services.AddSingleton<IReminderTable>(provider => new PostgresReminderTable(provider.GetRequiredService<PostgresDatabase>()));
        services.AddSingleton<IIndexStore>(provider => new PostgresIndexStore(provider.GetRequiredService<PostgresDatabase>()));
        return services;
    }

    private static ILogger? Logger<T>(IServiceProvider provider) => provider.GetService<ILoggerFactory>()?.CreateLogger<T>();
}
