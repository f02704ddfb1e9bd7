using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace MachineGrid.Gateway;

/// <summary>Runs: submit (idempotent with a key), read, list, cancel, reprioritize.</summary>
public static class RunsApi
{
    /// <summary>Maps the endpoints.</summary>
    public static RouteGroupBuilder MapRunsApi(this RouteGroupBuilder api)
    {
        var runs = api.MapGroup("/runs");
        runs.MapPost("/", Submit);
        runs.MapGet("/", List).AddOpenApiOperationTransformer((operation, context, cancellationToken) =>
        {
            if (operation.Parameters?.FirstOrDefault(p => p.Name == "status")?.Schema is OpenApiSchema status)
            {
                status.Enum = [.. StrictEnumConverter.AcceptedNames(typeof(RunStatus)).Select(name => (JsonNode)JsonValue.Create(name))];
            }
            return Task.CompletedTask;
        });
        runs.MapGet("/{id}", Get);
        runs.MapPost("/{id}/cancel", Cancel);
        runs.MapPatch("/{id}", SetPriority);
        runs.MapPost("/{id}/move-to-top", MoveToTop);
        return api;
    }

    private static async Task<Accepted<RunResponse>> Submit(SubmitRunRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var actor = user.Actor();
        var key = request.IdempotencyKey;
        DomainException.Require(key is null || (key.Length is > 0 and <= 200 && !key.Any(char.IsControl)), "idempotencyKey must be 1 to 200 characters without control characters.");
        var id = key is null ? Ids.New("r") : Ids.RunFor(actor.Id, key);
        DomainException.Require(request.RunMode is not null, "runMode is required: Unattended or Attended.");
        var submit = new SubmitRun(request.ConnectionId, request.FlowId, Json.Text(request.Inputs), request.RunMode!.Value,
            request.Priority ?? RunPriority.Normal, request.QueueTimeoutSeconds, request.RunTimeoutSeconds, request.MaxAttempts ?? 1, key);
        var view = await grains.GetGrain<IRunGrain>(id).Submit(actor, submit);
        return TypedResults.Accepted($"/api/v1/runs/{id}", RunResponse.From(view));
    }

    // status is taken as text so only an exact name is accepted: enum query binding would also take " Queued", "1" and "Assigned,Running".
    private static async Task<Ok<Page<RunResponse>>> List(ClaimsPrincipal user, IGrainFactory grains, string? groupId, string? machineId, string? status, int? limit, string? cursor)
    {
        var filter = new RunFilter(groupId, machineId, ListQuery.EnumFilter<RunStatus>("status", status));
        var page = await grains.GetGrain<IDirectoryGrain>("environment").ListRuns(user.Actor(), filter, ListQuery.Cursor(cursor), ListQuery.Limit(limit));
        return TypedResults.Ok(new Page<RunResponse>([.. page.Items.Select(RunResponse.From)], page.Next));
    }

    private static async Task<Ok<RunResponse>> Get(string id, ClaimsPrincipal user, IGrainFactory grains) =>
        TypedResults.Ok(RunResponse.From(await grains.GetGrain<IRunGrain>(id).Get(user.Actor())));

    private static async Task<Ok<RunResponse>> Cancel(string id, ClaimsPrincipal user, IGrainFactory grains) =>
        TypedResults.Ok(RunResponse.From(await grains.GetGrain<IRunGrain>(id).Cancel(user.Actor())));

    private static async Task<Ok<RunResponse>> SetPriority(string id, PriorityRequest request, ClaimsPrincipal user, IGrainFactory grains) =>
        TypedResults.Ok(RunResponse.From(await grains.GetGrain<IRunGrain>(id).SetPriority(user.Actor(), request.Priority ?? throw new DomainException(DomainErrorCode.Validation, "priority is required: High, Normal or Low."))));

    private static async Task<Ok<RunResponse>> MoveToTop(string id, ClaimsPrincipal user, IGrainFactory grains) =>
        TypedResults.Ok(RunResponse.From(await grains.GetGrain<IRunGrain>(id).MoveToTop(user.Actor())));
}
