using System.Diagnostics;
using MachineGrid.Client;

namespace MachineGrid.Bench.Lifecycle;

/// <summary>
/// A simulated machine's agent over HTTP: heartbeats, then each session long-polls
/// <c>GET /api/v1/agent/assignments?waitSeconds=20</c>, starts the run it gets and completes it at once.
/// </summary>
public sealed class HttpAgent(HttpClient http, string machineKey, string fingerprint, int sessions, RunTracker tracker)
{
    private static readonly TimeSpan LongPoll = TimeSpan.FromSeconds(20);
    private static readonly CompleteRunRequest Success = new(CompletionStatus.Succeeded);
    private readonly AgentClient agent = new(http, machineKey);
    private readonly HeartbeatRequest heartbeat = new($"bench-agent-{Guid.NewGuid():N}", fingerprint, []);

    /// <summary>Reports the agent alive.</summary>
    public Task HeartbeatAsync(CancellationToken cancellationToken) => agent.HeartbeatAsync(heartbeat, cancellationToken);

    /// <summary>Runs every session's loop until <paramref name="stop"/> fires.</summary>
    public Task RunAsync(CancellationToken stop) => Task.WhenAll(Enumerable.Range(0, sessions).Select(_ => Task.Run(() => SessionAsync(stop))));

    private async Task SessionAsync(CancellationToken stop)
    {
        long freedAt = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var assignment = await agent.WaitForAssignmentAsync(LongPoll, stop);
                if (assignment is null)
                {
                    continue;
                }
                var ticket = tracker.Assigned(assignment.FlowId, freedAt);
                var started = Stopwatch.GetTimestamp();
                await agent.StartRunAsync(assignment.RunId, stop);
                tracker.Started(ticket, RunTracker.Since(started));
                var completing = Stopwatch.GetTimestamp();
                freedAt = completing;
                await agent.CompleteRunAsync(assignment.RunId, Success, stop);
                tracker.Completed(ticket, RunTracker.Since(completing));
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }
}
