using MachineGrid.Runtime.Activation;
using MachineGrid.Runtime.Hosting;
using MachineGrid.Runtime.Persistence.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MachineGrid.Runtime.Testing;

/// <summary>An in-process silo for grain tests, on a <see cref="ManualTimeProvider"/> unless given another clock.</summary>
public sealed class TestSilo : IAsyncDisposable
{
    private readonly IHost host;

    private TestSilo(IHost host, TimeProvider clock)
    {
        this.host = host;
        Clock = clock;
    }

    /// <summary>The silo's clock.</summary>
    public TimeProvider Clock { get; }

    /// <summary>The silo's clock, when it is a manual one.</summary>
    public ManualTimeProvider ManualClock => Clock as ManualTimeProvider ?? throw new InvalidOperationException("This silo runs on a real clock.");

    /// <summary>Gets grain references.</summary>
    public IGrainFactory GrainFactory => host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>The silo's services.</summary>
    public IServiceProvider Services => host.Services;

    /// <summary>Number of live activations.</summary>
    public int ActivationCount => host.Services.GetRequiredService<SiloRuntime>().Catalog.Count;

    /// <summary>Starts a silo. <paramref name="configure"/> sets storage and grain assemblies; <paramref name="clock"/> defaults to a new manual clock.</summary>
    public static async Task<TestSilo> StartAsync(Action<RuntimeOptions> configure, TimeProvider? clock = null, Action<IServiceCollection>? services = null, ILoggerProvider? logs = null)
    {
        clock ??= new ManualTimeProvider();
        // Rooted at the binaries, not the working directory: the default configuration watches its root recursively, and
        // a database under the working directory would make every write a file-change event.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }
        builder.Services.AddSingleton(clock);
        services?.Invoke(builder.Services);
        builder.Services.AddMachineGridRuntime(configure);
        var host = builder.Build();
        await host.StartAsync();
        return new TestSilo(host, clock);
    }

    /// <summary>
    /// Stops the silo's storage as a killed process would (SQLite only; other storage is left running): writes not yet
    /// on disk are lost and the database is released, so a second silo can open it while this one's grains stay in
    /// memory. Later writes of this silo fail.
    /// </summary>
    public void CrashStorage() => host.Services.GetService<SqliteDatabase>()?.Abandon();

    /// <summary>Stops the silo gracefully: every activation is deactivated and writes its changed state.</summary>
    public Task StopAsync() => host.StopAsync();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        if (host is IAsyncDisposable asyncHost)
        {
            await asyncHost.DisposeAsync();
        }
        else
        {
            host.Dispose();
        }
    }
}
