using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MachineGrid.Client.Tests;

/// <summary>
/// A tiny Kestrel app on a free loopback port that answers with fixed responses, to check how the client reads them:
/// problem documents as ASP.NET Core writes them, bodies that are not problems, and empty responses.
/// It records the Authorization header and the request line it receives.
/// </summary>
public sealed class ProblemServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private ProblemServer(WebApplication app, Uri address, ConcurrentQueue<string> authorizations, ConcurrentQueue<string> requests)
    {
        this.app = app;
        Address = address;
        Authorizations = authorizations;
        Requests = requests;
    }

    /// <summary>The server's root address.</summary>
    public Uri Address { get; }

    /// <summary>The Authorization headers received, in order.</summary>
    public ConcurrentQueue<string> Authorizations { get; }

    /// <summary>The requests received, in order, as method, path and query, then the Accept header after a bar.</summary>
    public ConcurrentQueue<string> Requests { get; }

    /// <summary>Starts the server.</summary>
    public static async Task<ProblemServer> StartAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddProblemDetails();
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        var authorizations = new ConcurrentQueue<string>();
        var requests = new ConcurrentQueue<string>();
        app.Use((context, next) =>
        {
            var request = context.Request;
            authorizations.Enqueue(request.Headers.Authorization.ToString());
            requests.Enqueue($"{request.Method} {request.Path}{request.QueryString} | {request.Headers.Accept}");
            return next(context);
        });

        app.MapDelete("/api/v1/groups/{id}", (string id) => Results.Problem(
            detail: $"Group {id} still has 3 machines.", statusCode: 409, title: "The group is not empty",
            extensions: new Dictionary<string, object?> { ["code"] = "GroupNotEmpty" }));
        app.MapPut("/api/v1/machines/{id}/group", () => Results.Problem(
            detail: "The group password is wrong.", statusCode: 403, title: "Forbidden",
            extensions: new Dictionary<string, object?> { ["code"] = "WrongGroupPassword" }));
        app.MapPost("/api/v1/groups", () => Results.ValidationProblem(
            new Dictionary<string, string[]> { ["name"] = ["name is required."] },
            title: "Invalid request", extensions: new Dictionary<string, object?> { ["code"] = "Validation" }));
        app.MapGet("/api/v1/runs/{id}", () => Results.Text("upstream exploded", "text/plain", statusCode: 502));
        app.MapGet("/api/v1/me", () => Results.StatusCode(401));
        app.MapGet("/api/v1/agent/assignments", () => Results.NoContent());
        app.MapPatch("/api/v1/runs/{id}", () => Results.Text("{not json", "application/problem+json", statusCode: 400));

        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        return new ProblemServer(app, address, authorizations, requests);
    }

    /// <summary>Stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
