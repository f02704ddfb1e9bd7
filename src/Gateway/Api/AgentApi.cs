using System.Security.Claims;

namespace MachineGrid.Gateway;

/// <summary>The agent protocol, authenticated with a machine key: heartbeat, long-poll for assignments, start, complete, credential failures.</summary>
public static class AgentApi
{
    private static readonly TimeSpan GrainWait = TimeSpan.FromSeconds(5);

    private const int MaxWaitSeconds = 60;

    /// <summary>Maps the endpoints.</summary>
    public static RouteGroupBuilder MapAgentApi(this RouteGroupBuilder agent)
    {
        agent.MapPost("/heartbeat", Heartbeat);
        agent.MapGet("/assignments", NextAssignment);
        agent.MapPost("/runs/{runId}/start", Start);
        agent.MapPost("/runs/{runId}/complete", Complete);
        agent.MapPost("/credentials/{credentialId}/failure", CredentialFailure);
        return agent;
    }

    private static async Task<Ok<MachineView>> Heartbeat(HeartbeatRequest request, ClaimsPrincipal machine, IGrainFactory grains)
    {
        DomainException.Require(request.Sessions is null or { Count: <= 1000 }, "sessions must list at most 1,000 sessions.");
        var users = request.Sessions?.Select(s => s?.User ?? "").ToList() ?? [];
        var maintenance = request.Status switch
        {
            MachineStatus.Maintenance => true,
            MachineStatus.Online => false,
            _ => (bool?)null,
        };
        var view = await grains.GetGrain<IMachineGrain>(machine.Machine()).Heartbeat(new AgentHeartbeat(request.AgentInstanceId, request.Fingerprint, users, maintenance));
        return TypedResults.Ok(view);
    }

    /// <summary>
    /// Returns the next assignment as soon as the machine is offered one, or 204 after <paramref name="waitSeconds"/>.
    /// The wait happens in the machine's grain, wherever the cluster placed it, in calls of at most 5 s.
    /// </summary>
    private static async Task<Results<Ok<AssignmentResponse>, NoContent>> NextAssignment(
        ClaimsPrincipal machine, IGrainFactory grains, TimeProvider time, int? waitSeconds, CancellationToken aborted)
    {
        var wait = waitSeconds ?? 0;
        DomainException.Require(wait is >= 0 and <= MaxWaitSeconds, $"waitSeconds must be 0 to {MaxWaitSeconds}.");
        var machineId = machine.Machine();
        var grain = grains.GetGrain<IMachineGrain>(machineId);
        var deadline = time.GetUtcNow().AddSeconds(wait);
        while (true)
        {
            var remaining = deadline - time.GetUtcNow();
            var slice = remaining < TimeSpan.Zero ? TimeSpan.Zero : remaining > GrainWait ? GrainWait : remaining;
            if (await grain.WaitForAssignments(1, slice) is [var assignment] && await ResolveAsync(grains, machineId, assignment, time) is { } resolved)
            {
                return TypedResults.Ok(resolved);
            }
            if (slice == remaining || remaining <= TimeSpan.Zero || aborted.IsCancellationRequested)
            {
                return TypedResults.NoContent();
            }
        }
    }

    /// <summary>
    /// Adds inputs and secret. The run learns of its assignment by a one-way message that may still be in flight when the
    /// machine's offer wakes the agent, so a refusal is retried briefly before it is final. The inputs come first: the run
    /// answers that call only after the message, and the credential's check with the run does not wait for it, so asking
    /// both at once would mostly be refused and retried. A run without a record (its submission's silo died before
    /// storing it) is dropped, and null returned: the wait goes on.
    /// </summary>
    private static async Task<AssignmentResponse?> ResolveAsync(IGrainFactory grains, string machineId, Assignment assignment, TimeProvider time)
    {
        for (var attempt = 1; ; attempt++)
        {
            var runAnswered = false;
            try
            {
                var inputs = await grains.GetGrain<IRunGrain>(assignment.RunId).InputsFor(machineId);
                runAnswered = true;
                var secret = await grains.GetGrain<ICredentialGrain>(assignment.CredentialId).ResolveSecret(machineId, assignment.RunId);
                return new AssignmentResponse(assignment.RunId, assignment.FlowId, Json.Parse(inputs), assignment.RunMode,
                    new AssignmentCredential(assignment.CredentialId, assignment.Username, secret), assignment.RunDeadline);
            }
            catch (DomainException ex) when (ex.Code == DomainErrorCode.NotFound && !runAnswered)
            {
                await grains.GetGrain<IMachineGrain>(machineId).DropMissingRun(assignment.RunId);
                return null;
            }
            catch (DomainException ex) when (ex.Code == DomainErrorCode.Forbidden && attempt < 100)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10), time);
            }
        }
    }

    private static async Task<NoContent> Start(string runId, ClaimsPrincipal machine, IGrainFactory grains)
    {
        await grains.GetGrain<IMachineGrain>(machine.Machine()).StartRun(runId);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> Complete(string runId, CompleteRunRequest request, ClaimsPrincipal machine, IGrainFactory grains)
    {
        DomainException.Require(request.Status is not null, "status is required: Succeeded or Failed.");
        Validate(request.Status!.Value);
        await grains.GetGrain<IMachineGrain>(machine.Machine()).CompleteRun(runId, request.Status.Value == RunOutcome.Succeeded, Json.Text(request.Outputs), request.Error);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> CredentialFailure(string credentialId, CredentialFailureRequest request, ClaimsPrincipal machine, IGrainFactory grains)
    {
        await RequireCredentialAsync(grains, credentialId);
        await grains.GetGrain<IMachineGrain>(machine.Machine()).ReportCredentialFailure(credentialId, request.Reason);
        return TypedResults.NoContent();
    }

    /// <summary>404 for a credential that does not exist: the machine would otherwise keep an unknown id as a failed credential.</summary>
    private static async Task RequireCredentialAsync(IGrainFactory grains, string credentialId)
    {
        try
        {
            await grains.GetGrain<ICredentialGrain>(credentialId).OptionForConnections();
        }
        catch (DomainException ex) when (ex.Code == DomainErrorCode.CredentialNotUsableInConnections)
        {
            // It exists; that it cannot be used in connections does not matter here.
        }
    }

    private static void Validate(RunOutcome outcome) =>
        DomainException.Require(Enum.IsDefined(outcome), "status must be Succeeded or Failed.");
}
