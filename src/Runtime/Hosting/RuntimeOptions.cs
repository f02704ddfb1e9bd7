using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using MachineGrid.Runtime.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace MachineGrid.Runtime.Hosting;

/// <summary>Settings of a silo's grain runtime.</summary>
public sealed class RuntimeOptions
{
    private readonly List<Assembly> grainAssemblies = [];

    /// <summary>How long a caller waits for a grain call before it gets a <see cref="TimeoutException"/>. Default 30 s.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an activation may stay idle before it is deactivated. Default 15 min; <see cref="CollectionAgeAttribute"/> overrides per class.</summary>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often the idle collector looks at activations. Default 1 min.</summary>
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long the process must allocate little before the silo collects garbage and reserves
    /// <see cref="QuietAllocationReserve"/>, so that a burst of work after a quiet spell is not paused by a collection
    /// part-way through. Default 300 ms; null turns it off.
    /// </summary>
    public TimeSpan? QuietCollectionAfter { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// Bytes the process may allocate, after a quiet spell's collection, before the next collection: a burst of 1,000
    /// runs allocates about 28 MiB. Default 96 MiB; 0 collects without reserving.
    /// </summary>
    public long QuietAllocationReserve { get; set; } = 96L * 1024 * 1024;

    /// <summary>How long after a failed delivery a reminder tick is tried again. Default 1 min.</summary>
    public TimeSpan ReminderRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Source-generated JSON contracts for grain state, tried before reflection. State is written with web settings and
    /// without null fields (a missing field reads as null); a context generated with the same settings is also used
    /// for its fast path.
    /// </summary>
    public IList<IJsonTypeInfoResolver> JsonResolvers { get; } = [];

    /// <summary>Assemblies scanned for grain classes.</summary>
    public IReadOnlyList<Assembly> GrainAssemblies => grainAssemblies;

    /// <summary>A short description of the storage in use, for logs.</summary>
    public string StorageDescription { get; private set; } = "in-memory";

    internal Action<IServiceCollection> RegisterStorage { get; private set; } = static services => services.AddInMemoryStorage();

    /// <summary>Scans <paramref name="assembly"/> for grain classes.</summary>
    public RuntimeOptions AddGrainAssembly(Assembly assembly)
    {
        grainAssemblies.Add(assembly);
        return this;
    }

    /// <summary>Keeps state and reminders in memory: for tests; nothing survives the process.</summary>
    public RuntimeOptions UseInMemoryStorage()
    {
        RegisterStorage = static services => services.AddInMemoryStorage();
        StorageDescription = "in-memory";
        return this;
    }

    /// <summary>Keeps state and reminders in a SQLite file, behind a write-behind journal (a write is acknowledged once an fsync of the journal covers it): the embedded default.</summary>
    public RuntimeOptions UseSqlite(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        RegisterStorage = services => services.AddSqliteStorage(path);
        StorageDescription = $"SQLite {path}";
        return this;
    }

    /// <summary>Keeps state and reminders in PostgreSQL.</summary>
    public RuntimeOptions UsePostgres(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        RegisterStorage = services => services.AddPostgresStorage(connectionString);
        StorageDescription = "PostgreSQL";
        return this;
    }

    internal JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            TypeInfoResolver = JsonTypeInfoResolver.Combine([.. JsonResolvers, new DefaultJsonTypeInfoResolver()]),
        };
        options.MakeReadOnly();
        return options;
    }
}
