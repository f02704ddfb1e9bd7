using System.Net;
using MachineGrid.Client;

namespace MachineGrid.Agent;

/// <summary>
/// The agent loop of one machine: heartbeats with its signed-in sessions, long-polls for assignments, starts each run,
/// "runs" the flow and completes it, up to <see cref="SimulatedMachineOptions.MaxConcurrentRuns"/> at once. When stopped it
/// takes no new work and reports the flows it was running as Failed, so no run is left hanging.
/// </summary>
public sealed class SimulatedMachine
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);
    private readonly AgentClient agent;
    private readonly SimulatedMachineOptions options;
    private readonly FleetCounters counters;
    private readonly HeartbeatRequest heartbeat;
    private bool online;

    /// <summary>A machine speaking through <paramref name="agent"/> (its machine key) and counting into <paramref name="counters"/>.</summary>
    public SimulatedMachine(AgentClient agent, SimulatedMachineOptions options, FleetCounters? counters = null)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConcurrentRuns, 1);
        this.agent = agent;
        this.options = options;
        this.counters = counters ?? new FleetCounters();
        heartbeat = new HeartbeatRequest(options.AgentInstanceId, options.Fingerprint, [.. options.SignedInUsers.Select(user => new AgentSession(user))]);
    }

    /// <summary>The machine id from its key, when the key carries one.</summary>
    public string? MachineId => agent.MachineId;

    /// <summary>The counters this machine reports into.</summary>
    public FleetCounters Counters => counters;

    /// <summary>Runs the agent loop until <paramref name="cancellationToken"/> fires, then finishes reporting and returns.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        counters.MachineStarted();
        try
        {
            await HeartbeatUntilOnlineAsync(cancellationToken).ConfigureAwait(false);
            var heartbeats = HeartbeatLoopAsync(cancellationToken);
            await AssignmentLoopAsync(cancellationToken).ConfigureAwait(false);
            await heartbeats.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped.
        }
        finally
        {
            SetOnline(false);
            counters.MachineStopped();
        }
    }

    private async Task HeartbeatUntilOnlineAsync(CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromMilliseconds(200);
        while (!await TryHeartbeatAsync(cancellationToken).ConfigureAwait(false))
        {
            await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
            backoff = Next(backoff);
        }
    }

    private async Task HeartbeatLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.HeartbeatInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                await TryHeartbeatAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task<bool> TryHeartbeatAsync(CancellationToken cancellationToken)
    {
        try
        {
            await agent.HeartbeatAsync(heartbeat, cancellationToken).ConfigureAwait(false);
            SetOnline(true);
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or MachineGridException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            SetOnline(false);
            counters.Error("heartbeat", e);
            return false;
        }
    }

    private async Task AssignmentLoopAsync(CancellationToken cancellationToken)
    {
        using var slots = new SemaphoreSlim(options.MaxConcurrentRuns);
        var flows = new List<Task>();
        var backoff = TimeSpan.Zero;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                AgentAssignment? assignment;
                try
                {
                    assignment = await agent.WaitForAssignmentAsync(options.AssignmentWait, cancellationToken).ConfigureAwait(false);
                    backoff = TimeSpan.Zero;
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is HttpRequestException or MachineGridException or TaskCanceledException)
                {
                    slots.Release();
                    counters.Error("assignments", e);
                    backoff = backoff == TimeSpan.Zero ? TimeSpan.FromMilliseconds(200) : Next(backoff);
                    await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                catch
                {
                    slots.Release();
                    throw;
                }
                if (assignment is null)
                {
                    slots.Release();
                    continue;
                }
                counters.Assigned();
                flows.RemoveAll(flow => flow.IsCompleted);
                flows.Add(ExecuteAsync(assignment, slots, cancellationToken));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        await Task.WhenAll(flows).ConfigureAwait(false);
    }

    private async Task ExecuteAsync(AgentAssignment assignment, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        try
        {
            if (!await TryReportAsync("start", ct => agent.StartRunAsync(assignment.RunId, ct), cancellationToken).ConfigureAwait(false))
            {
                counters.StartRejected();
                return;
            }
            counters.FlowStarted();
            var result = await RunFlowAsync(assignment, cancellationToken).ConfigureAwait(false);
            // The grace starts when the machine is told to stop; until then a completion is retried for ReportRetryTime.
            using var grace = new CancellationTokenSource();
            using var stopping = cancellationToken.Register(() => grace.CancelAfter(options.StopGrace));
            var completion = new CompleteRunRequest(result.Status, result.Outputs, result.Error);
            var reported = await TryReportAsync("complete", ct => agent.CompleteRunAsync(assignment.RunId, completion, ct), grace.Token).ConfigureAwait(false);
            if (reported)
            {
                counters.FlowEnded(result.Status == CompletionStatus.Succeeded);
            }
            else
            {
                counters.FlowLost();
            }
        }
        finally
        {
            slots.Release();
        }
    }

    private async Task<FlowResult> RunFlowAsync(AgentAssignment assignment, CancellationToken cancellationToken)
    {
        var username = assignment.Credential?.Username;
        if (username is not null && options.FailingUsers.Contains(username))
        {
            const string reason = "Sign-in failed (simulated).";
            if (assignment.ResolvedCredentialId is { } credentialId)
            {
                await TryReportAsync("credential failure", ct => agent.ReportCredentialFailureAsync(credentialId, reason, ct), cancellationToken).ConfigureAwait(false);
            }
            return FlowResult.Failed(reason);
        }
        try
        {
            return await options.Flows.RunAsync(assignment, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return FlowResult.Failed("The agent stopped before the flow finished.");
        }
    }

    /// <summary>Sends a report, retrying transport failures and 5xx for up to <see cref="SimulatedMachineOptions.ReportRetryTime"/>; false when the gateway refused it or it never got through.</summary>
    private async Task<bool> TryReportAsync(string what, Func<CancellationToken, Task> send, CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        var retrying = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await send(cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (Exception e) when (e is HttpRequestException or MachineGridException or OperationCanceledException)
            {
                var transient = e is HttpRequestException or MachineGridException { Status: >= HttpStatusCode.InternalServerError };
                if (!transient || retrying.Elapsed >= options.ReportRetryTime || cancellationToken.IsCancellationRequested)
                {
                    counters.Error(what, e);
                    return false;
                }
            }
            try
            {
                await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
            backoff = Next(backoff);
        }
    }

    private void SetOnline(bool value)
    {
        lock (heartbeat)
        {
            if (online == value)
            {
                return;
            }
            online = value;
        }
        counters.OnlineChanged(value);
    }

    private static TimeSpan Next(TimeSpan backoff) => TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
}
