using System.Net.Http.Headers;
using MachineGrid.Gateway;
using MachineGrid.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MachineGrid.Gateway.Tests;

/// <summary>
/// The whole system as <c>dotnet run --project src/Silo</c> starts it (silo, grains, gateway on Kestrel), on a free
/// loopback port with SQLite in a temporary folder and a known bootstrap admin key. Logs are captured for inspection.
/// A temporary folder the host made itself is deleted when it is disposed; a folder passed in is left for the caller.
/// </summary>
public sealed class GatewayHost : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly bool ownsDataDirectory;

    private GatewayHost(WebApplication app, string dataDirectory, bool ownsDataDirectory, Uri address, string adminKey, CapturedLogs logs)
    {
        this.app = app;
        this.ownsDataDirectory = ownsDataDirectory;
        DataDirectory = dataDirectory;
        Address = address;
        AdminKey = adminKey;
        Logs = logs;
    }

    /// <summary>The gateway's base address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Address { get; }

    /// <summary>The bootstrap Environment Admin's API key.</summary>
    public string AdminKey { get; }

    /// <summary>Where the database and Data Protection keys live.</summary>
    public string DataDirectory { get; }

    /// <summary>Every log line written while the host ran.</summary>
    public CapturedLogs Logs { get; }

    /// <summary>The host's services.</summary>
    public IServiceProvider Services => app.Services;

    /// <summary>
    /// Starts a host; pass a data directory to restart on an existing store (the caller then deletes it), and
    /// <paramref name="services"/> to change its services (a test's clock, say) after the system's own.
    /// </summary>
    public static async Task<GatewayHost> StartAsync(string? dataDirectory = null, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var ownsDataDirectory = dataDirectory is null;
        dataDirectory ??= Path.Combine(Path.GetTempPath(), $"machinegrid-gateway-{Guid.NewGuid():N}");
        var adminKey = "mgk_test_admin_" + Guid.NewGuid().ToString("N");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MachineGrid:Data"] = dataDirectory,
            ["MachineGrid:BootstrapAdminKey"] = adminKey,
            ["MachineGrid:Limits:PasswordIterations"] = "1000",
            // Several hosts run in one test process: each takes free silo and gateway ports.
            ["MachineGrid:SiloPort"] = "0",
            ["MachineGrid:GatewayPort"] = "0",
            ["Urls"] = "http://127.0.0.1:0",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }
        var logs = new CapturedLogs();
        builder.Logging.AddProvider(logs);
        builder.AddMachineGridSilo();
        builder.Services.AddMachineGridGateway();
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapMachineGridGateway();
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        return new GatewayHost(app, dataDirectory, ownsDataDirectory, address, adminKey, logs);
    }

    /// <summary>An HTTP client for the gateway, with a bearer key when given.</summary>
    public HttpClient Client(string? key = null)
    {
        var client = new HttpClient { BaseAddress = Address };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        return client;
    }

    /// <summary>Stops the host gracefully and deletes the data folder it made.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        finally
        {
            if (ownsDataDirectory)
            {
                await DeleteAsync(DataDirectory);
            }
        }
    }

    private static async Task DeleteAsync(string directory)
    {
        for (var attempt = 1; Directory.Exists(directory); attempt++)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException && attempt < 5)
            {
                // A file still held open for a moment after shutdown.
                await Task.Delay(100 * attempt);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return; // Only a temporary folder left behind.
            }
        }
    }
}
