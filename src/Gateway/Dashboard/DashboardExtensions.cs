using Microsoft.Extensions.FileProviders;

namespace MachineGrid.Gateway;

/// <summary>Adds the live dashboard: its statistics, event feed and the page served from <c>wwwroot</c>.</summary>
public static class DashboardExtensions
{
    /// <summary>
    /// The page's policy: everything from this origin only, so nothing is fetched from a CDN and the page works offline.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    /// <summary>Registers the runtime statistics, the statistics sampler, event tickets and the event broadcaster.</summary>
    public static IServiceCollection AddMachineGridDashboard(this IServiceCollection services)
    {
        services.AddSingleton<EventTickets>();
        services.AddSingleton<EventBroadcaster>();
        services.AddSingleton<StatsSampler>();
        services.AddHostedService(sp => sp.GetRequiredService<StatsSampler>());
        return services;
    }

    /// <summary>Serves the dashboard's files (embedded from <c>wwwroot</c>) at <c>/</c>.</summary>
    public static WebApplication UseDashboard(this WebApplication app)
    {
        var files = new EmbeddedFileProvider(typeof(DashboardExtensions).Assembly, "MachineGrid.Gateway.wwwroot");
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers.CacheControl = "no-cache";
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
            },
        });
        return app;
    }
}
