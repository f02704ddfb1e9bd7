using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace MachineGrid.Gateway;

/// <summary>Exports Orleans' meters and the grid's at <c>/metrics</c> in Prometheus' text format.</summary>
public static class MetricsExtensions
{
    /// <summary>
    /// The meters exported: Orleans' runtime (created in Orleans.Core's <c>OrleansInstruments</c>), the grid's grains
    /// (<c>GridMetrics</c>), its storage (<c>StorageMetrics</c>) and the .NET runtime's own. They carry counts, durations
    /// and status names only, never an id or a secret, so the endpoint needs no key.
    /// </summary>
    public static readonly IReadOnlyList<string> Meters = ["Microsoft.Orleans", "MachineGrid", "MachineGrid.Persistence", "System.Runtime"];

    /// <summary>Registers OpenTelemetry metrics with the Prometheus exporter.</summary>
    public static IServiceCollection AddMachineGridMetrics(this IServiceCollection services)
    {
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("machinegrid"))
            .WithMetrics(metrics => metrics.AddMeter([.. Meters]).AddPrometheusExporter());
        return services;
    }

    /// <summary>Maps <c>GET /metrics</c> (anonymous).</summary>
    public static IEndpointRouteBuilder MapMetricsApi(this IEndpointRouteBuilder app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}
