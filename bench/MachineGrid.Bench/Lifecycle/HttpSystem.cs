using MachineGrid.Gateway;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace MachineGrid.Bench.Lifecycle;

/// <summary>
/// The whole system as <c>dotnet run --project src/Silo</c> starts it (silo, grains, gateway on Kestrel), in this process
/// on a free loopback port (and free silo and gateway ports), on the benchmark's storage and with a known bootstrap admin key. Logging is cut to warnings
/// so the console does not take part in the measurement.
/// </summary>
public sealed class HttpSystem : IAsyncDisposable
{
    private readonly WebApplication app;

    private HttpSystem(WebApplication app, Uri address, string adminKey)
    {
        this.app = app;
        Address = address;
        AdminKey = adminKey;
    }

    /// <summary>The gateway's base address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Address { get; }

    /// <summary>The bootstrap Environment Admin's API key.</summary>
    public string AdminKey { get; }

    /// <summary>Counts grain calls per type when profiling; null otherwise.</summary>
    public GrainCallCounter? Calls { get; private init; }

    /// <summary>Starts the system on the storage; with <paramref name="profile"/>, grain calls are counted per type.</summary>
    public static async Task<HttpSystem> StartAsync(BenchStorage storage, bool profile = false)
    {
        var adminKey = "mgk_bench_admin_" + Guid.NewGuid().ToString("N");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, EnvironmentName = "Production" });
        var calls = profile ? new GrainCallCounter() : null;
        BenchSilo.Configure(builder, storage, calls, new Dictionary<string, string?>
        {
            ["MachineGrid:BootstrapAdminKey"] = adminKey,
            ["Urls"] = "http://127.0.0.1:0",
        });
        builder.Services.AddMachineGridGateway();
        var app = builder.Build();
        app.MapMachineGridGateway();
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        return new HttpSystem(app, address, adminKey) { Calls = calls };
    }

    /// <summary>Activations per grain type, from Orleans' management grain.</summary>
    public Task<string> DescribeActivationsAsync() => BenchSilo.DescribeActivationsAsync(app.Services.GetRequiredService<IGrainFactory>());

    /// <summary>An HTTP client for many concurrent long-polls and submits.</summary>
    public HttpClient CreateClient() => CreateClient(Address);

    /// <summary>An HTTP client for many concurrent long-polls and submits to the gateway at <paramref name="address"/>.</summary>
    public static HttpClient CreateClient(Uri address) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = 10_000,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        UseCookies = false,
        UseProxy = false,
    })
    {
        BaseAddress = address,
        Timeout = TimeSpan.FromSeconds(100),
    };

    /// <summary>Stops the system gracefully.</summary>
    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
