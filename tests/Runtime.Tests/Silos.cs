using MachineGrid.Runtime.Hosting;
using MachineGrid.Runtime.Testing;
using MachineGrid.Runtime.Tests.Grains;

namespace MachineGrid.Runtime.Tests;

/// <summary>Starts test silos with this assembly's grains.</summary>
public static class Silos
{
    public static Task<TestSilo> InMemory(Action<RuntimeOptions>? configure = null, TimeProvider? clock = null) =>
        TestSilo.StartAsync(o =>
        {
            o.AddGrainAssembly(typeof(CounterGrain).Assembly).UseInMemoryStorage();
            configure?.Invoke(o);
        }, clock);

    public static Task<TestSilo> Sqlite(string path, Action<RuntimeOptions>? configure = null, TimeProvider? clock = null) =>
        TestSilo.StartAsync(o =>
        {
            o.AddGrainAssembly(typeof(CounterGrain).Assembly).UseSqlite(path);
            configure?.Invoke(o);
        }, clock);

    public static Task<TestSilo> Postgres(string connectionString, Action<RuntimeOptions>? configure = null, TimeProvider? clock = null) =>
        TestSilo.StartAsync(o =>
        {
            o.AddGrainAssembly(typeof(CounterGrain).Assembly).UsePostgres(connectionString);
            configure?.Invoke(o);
        }, clock);

    public static string TempDatabase() => TestData.NewFile("runtime", ".db");
}
