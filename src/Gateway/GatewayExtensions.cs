using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace MachineGrid.Gateway;

/// <summary>Adds and maps the REST gateway.</summary>
public static class GatewayExtensions
{
    /// <summary>Largest request body accepted: run inputs may be up to 2 MB, plus room for the envelope.</summary>
    public const long MaxRequestBytes = 3 * 1024 * 1024;

    /// <summary>Registers JSON options, key authentication, problem details, OpenAPI, the bootstrap admin and metrics.</summary>
    public static IServiceCollection AddMachineGridGateway(this IServiceCollection services)
    {
        services.Configure<JsonOptions>(o =>
        {
            // Exact, case-sensitive names only (API.md's spellings); written as names.
            o.SerializerOptions.Converters.Add(new StrictEnumConverter());
            o.SerializerOptions.RespectNullableAnnotations = true;
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip;
        });
        services.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = MaxRequestBytes);
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddSingleton<KeyAuthenticator>();
        services.AddHostedService<KeyRevocationListener>();
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            if (!context.ProblemDetails.Extensions.ContainsKey("code"))
            {
                context.ProblemDetails.Extensions["code"] = context.ProblemDetails.Status switch
                {
                    StatusCodes.Status401Unauthorized => "Unauthenticated",
                    StatusCodes.Status403Forbidden => "Forbidden",
                    StatusCodes.Status404NotFound => "NotFound",
                    StatusCodes.Status405MethodNotAllowed => "MethodNotAllowed",
                    StatusCodes.Status413PayloadTooLarge or StatusCodes.Status400BadRequest or StatusCodes.Status415UnsupportedMediaType => "Validation",
                    _ => "Error",
                };
            }
            context.ProblemDetails.Detail ??= context.ProblemDetails.Status switch
            {
                StatusCodes.Status401Unauthorized => "A valid API key is required: Authorization: Bearer <key>.",
                StatusCodes.Status403Forbidden => "This key may not call this endpoint: machine keys are accepted only under /api/v1/agent, user keys everywhere else.",
                StatusCodes.Status404NotFound => "There is no such endpoint.",
                StatusCodes.Status405MethodNotAllowed => "The endpoint does not take this method.",
                StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
                StatusCodes.Status415UnsupportedMediaType => "The request body must be application/json.",
                _ => context.ProblemDetails.Title,
            };
        });
        services.AddExceptionHandler<GridExceptionHandler>();
        services.AddOpenApi(o => o.AddSchemaTransformer(StrictEnumConverter.DescribeEnumSchema));
        services.AddHostedService<BootstrapAdmin>();
        services.AddMachineGridDashboard();
        services.AddMachineGridMetrics();
        return services;
    }

    /// <summary>Maps <c>/api/v1</c>, the agent protocol, health, metrics and the OpenAPI document.</summary>
    public static WebApplication MapMachineGridGateway(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseDashboard();
        app.UseMiddleware<KeyAuthenticationMiddleware>();
        app.UseMiddleware<PathIds>();
        app.UseMiddleware<SizedResponseMiddleware>();
        app.MapOpenApi();
        app.MapHealthApi();
        app.MapMetricsApi();
        var api = app.MapGroup("/api/v1");
        api.MapEventsApi();
        api.MapGroup("/agent").RequireKey(KeyRequirement.Machine).WithContentLength().MapAgentApi();
        api.MapGroup("").RequireKey(KeyRequirement.User).WithContentLength()
            .MapPrincipalsApi()
            .MapGroupsApi()
            .MapMachinesApi()
            .MapCredentialsApi()
            .MapMappingsApi()
            .MapConnectionsApi()
            .MapRunsApi()
            .MapAuditApi()
            .MapStatsApi();
        app.MapOrleansDashboardForAdmins(api);
        return app;
    }
}
