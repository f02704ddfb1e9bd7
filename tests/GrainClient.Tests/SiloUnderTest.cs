using System.Net;
using System.Net.Sockets;
using MachineGrid.Gateway.Tests;
using MachineGrid.Grains;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Hosting;

namespace MachineGrid.GrainClient.Tests;

/// <summary>
/// A silo started as its own process (as <c>dotnet run --project src/Silo</c> starts it) with a known bootstrap admin
/// key, and grain clients in separate hosts of this process, each with the API key it is given.
/// </summary>
public sealed class SiloUnderTest : IAsyncLifetime
{
    public const string ClusterId = "machinegrid";

    private readonly string data = Path.Combine(Path.GetTempPath(), $"machinegrid-grainclient-{Guid.NewGuid():N}");
    private readonly List<IHost> clients = [];
    private SiloProcess? silo;

    public string AdminKey { get; } = "mgk_grain_client_admin_" + Guid.NewGuid().ToString("N");

    public Actor Admin { get; } = new("p-admin", "admin", EnvironmentRoles.EnvironmentAdmin);

    public int GatewayPort { get; } = FreePort();

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(data);
        silo = await SiloProcess.StartAsync(data,
            ["--data", data, "--silo-port", FreePort().ToString(), "--gateway-port", GatewayPort.ToString()],
            new Dictionary<string, string> { ["MachineGrid__BootstrapAdminKey"] = AdminKey, ["MachineGrid__Limits__PasswordIterations"] = "1000" });
    }

    /// <summary>A grain client in a host of its own, sending <paramref name="apiKey"/> when given.</summary>
    public async Task<IClusterClient> ClientAsync(string? apiKey)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleansClient(client =>
        {
            client.UseLocalhostClustering(GatewayPort, ClusterId, ClusterId);
            if (apiKey is not null)
            {
                client.UseMachineGridApiKey(apiKey);
            }
        });
        var host = builder.Build();
        await host.StartAsync();
        clients.Add(host);
        return host.Services.GetRequiredService<IClusterClient>();
    }

    public async Task DisposeAsync()
    {
        foreach (var client in clients)
        {
            await client.StopAsync();
            client.Dispose();
        }
        if (silo is not null)
        {
            await silo.DisposeAsync();
        }
        Directory.Delete(data, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
