using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;

namespace MachineGrid.Persistence.Tests.Membership;

/// <summary>What a test silo needs: its name and ports, its cluster and the database holding its membership.</summary>
internal sealed record SiloSettings(string Name, string ClusterId, string ConnectionString, int SiloPort, int GatewayPort)
{
    public const string ServiceId = "membership-tests";

    /// <summary>Settings for silos of one cluster, each on two free ports; all the ports are held open while they are chosen, so no two are the same.</summary>
    public static SiloSettings[] OnFreePorts(string clusterId, string connectionString, params string[] names)
    {
        var listeners = Enumerable.Range(0, names.Length * 2).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(listener => listener.Start());
            var ports = listeners.Select(listener => ((IPEndPoint)listener.LocalEndpoint).Port).ToList();
            return [.. names.Select((name, i) => new SiloSettings(name, clusterId, connectionString, ports[2 * i], ports[2 * i + 1]))];
        }
        finally
        {
            listeners.ForEach(listener => listener.Dispose());
        }
    }

    /// <summary>A silo whose only membership is our PostgreSQL table, tuned to declare a dead silo within seconds.</summary>
    public IHost BuildHost(Action<IServiceCollection>? configureServices = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ApplicationName = Name });
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = ClusterId;
                o.ServiceId = ServiceId;
            });
            silo.Configure<SiloOptions>(o => o.SiloName = Name);
            silo.Configure<EndpointOptions>(o =>
            {
                o.AdvertisedIPAddress = IPAddress.Loopback;
                o.SiloPort = SiloPort;
                o.GatewayPort = GatewayPort;
            });
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 2;
                o.NumVotesForDeathDeclaration = 1;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
            });
            silo.AddMachineGridStorage(o =>
            {
                o.UsePostgres(ConnectionString);
                o.Reminders = false;
            });
            configureServices?.Invoke(silo.Services);
        });
        return builder.Build();
    }
}

/// <summary>A silo hosted in the test process. Disposing it stops it gracefully (within 10 s).</summary>
internal sealed class TestSilo : IAsyncDisposable
{
    private readonly IHost host;
    private readonly StopOnFatalError fatalErrors;

    private TestSilo(IHost host, StopOnFatalError fatalErrors)
    {
        this.host = host;
        this.fatalErrors = fatalErrors;
        var details = host.Services.GetRequiredService<ILocalSiloDetails>();
        Address = details.SiloAddress;
        GatewayUri = SiloAddress.New(details.GatewayAddress!.Endpoint, details.SiloAddress.Generation).ToGatewayUri();
    }

    public SiloAddress Address { get; }

    /// <summary>The URI a gateway list gives for this silo: its proxy endpoint and its generation.</summary>
    public Uri GatewayUri { get; }

    public IServiceProvider Services => host.Services;

    public static async Task<TestSilo> StartAsync(SiloSettings settings)
    {
        var fatalErrors = new StopOnFatalError();
        var host = settings.BuildHost(services => services.Replace(ServiceDescriptor.Singleton<IFatalErrorHandler>(fatalErrors)));
        fatalErrors.Host = host;
        try
        {
            await host.StartAsync();
        }
        catch
        {
            await ((IAsyncDisposable)host).DisposeAsync();
            throw;
        }
        return new TestSilo(host, fatalErrors);
    }

    public async ValueTask DisposeAsync()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await host.StopAsync(limit.Token);
        }
        finally
        {
            await ((IAsyncDisposable)host).DisposeAsync();
        }
        if (fatalErrors.Reason is { } reason)
        {
            throw new Xunit.Sdk.XunitException($"Silo {Address} stopped on a fatal error: {reason}");
        }
    }

    /// <summary>
    /// Orleans' own handler ends the process (<c>Environment.FailFast</c>), which would end the whole test run; this
    /// one stops only its silo, and keeps the reason for the test.
    /// </summary>
    private sealed class StopOnFatalError : IFatalErrorHandler
    {
        public IHost? Host { get; set; }

        public string? Reason { get; private set; }

        public bool IsUnexpected(Exception exception) => true;

        public void OnFatalException(object? sender = null, string? context = null, Exception? exception = null)
        {
            Reason ??= $"{sender}: {context} {exception}";
            if (Host is { } host)
            {
                _ = Task.Run(() => host.StopAsync());
            }
        }
    }
}
