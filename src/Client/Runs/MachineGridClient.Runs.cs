using System.Diagnostics;
using System.Net;

namespace MachineGrid.Client;

public sealed partial class MachineGridClient
{
    private const int SubmitAttempts = 3;
    private static readonly TimeSpan FirstPollDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxPollDelay = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Submits a run. When <see cref="SubmitRunRequest.IdempotencyKey"/> is null a new key is generated, and a submit that
    /// fails in transit (connection error or 502/503/504) is retried with the same key, so it never queues two runs.
    /// </summary>
    public async Task<Run> SubmitRunAsync(SubmitRunRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var keyed = request.IdempotencyKey is null ? request with { IdempotencyKey = Guid.NewGuid().ToString("N") } : request;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await transport.SendAsync(HttpMethod.Post, "runs", GatewayTransport.Body(keyed, Json.SubmitRunRequest), Json.Run, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (attempt < SubmitAttempts && IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt * attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A run by id.</summary>
    public Task<Run> GetRunAsync(string runId, CancellationToken cancellationToken = default) =>
        transport.SendAsync(HttpMethod.Get, $"runs/{PathSegment.Of(runId)}", null, Json.Run, cancellationToken);

    /// <summary>One page of runs, newest first, filtered by group, machine and status.</summary>
    public Task<Page<Run>> ListRunsAsync(RunQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new RunQuery();
        var path = "runs" + new QueryString()
            .Add("groupId", query.GroupId)
            .Add("machineId", query.MachineId)
            .Add("status", query.Status?.ToString())
            .Add("limit", query.Limit)
            .Add("cursor", query.Cursor);
        return transport.SendAsync(HttpMethod.Get, path, null, Json.PageRun, cancellationToken);
    }

    /// <summary>Every run matching the query, page after page (the query's cursor is the starting point).</summary>
    public IAsyncEnumerable<Run> GetAllRunsAsync(RunQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new RunQuery();
        return Paging.EnumerateAsync((cursor, ct) => ListRunsAsync(query with { Cursor = cursor ?? query.Cursor }, ct), cancellationToken);
    }

    /// <summary>Cancels a run that has not ended.</summary>
    public async Task<Run> CancelRunAsync(string runId, CancellationToken cancellationToken = default) =>
        await transport.SendForOptionalAsync(HttpMethod.Post, $"runs/{PathSegment.Of(runId)}/cancel", null, Json.Run, cancellationToken).ConfigureAwait(false)
        ?? await GetRunAsync(runId, cancellationToken).ConfigureAwait(false);

    /// <summary>Changes the queue priority of a queued run.</summary>
    public async Task<Run> SetRunPriorityAsync(string runId, RunPriority priority, CancellationToken cancellationToken = default) =>
        await transport.SendForOptionalAsync(HttpMethod.Patch, $"runs/{PathSegment.Of(runId)}", GatewayTransport.Body(new SetRunPriorityRequest(priority), Json.SetRunPriorityRequest), Json.Run, cancellationToken).ConfigureAwait(false)
        ?? await GetRunAsync(runId, cancellationToken).ConfigureAwait(false);

    /// <summary>Moves a queued run to the head of its group's queue.</summary>
    public async Task<Run> MoveRunToTopAsync(string runId, CancellationToken cancellationToken = default) =>
        await transport.SendForOptionalAsync(HttpMethod.Post, $"runs/{PathSegment.Of(runId)}/move-to-top", null, Json.Run, cancellationToken).ConfigureAwait(false)
        ?? await GetRunAsync(runId, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Polls the run until its status is final (Succeeded, Failed, Cancelled or TimedOut) and returns it; polls often at first,
    /// then once a second.
    /// </summary>
    /// <exception cref="TimeoutException">The run has not ended within <paramref name="timeout"/>.</exception>
    public async Task<Run> WaitForRunAsync(string runId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        var clock = Stopwatch.StartNew();
        var delay = FirstPollDelay;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        Run? last = null;
        try
        {
            while (true)
            {
                last = await GetRunAsync(runId, deadline.Token).ConfigureAwait(false);
                if (last.Status.IsFinal())
                {
                    return last;
                }
                var remaining = timeout - clock.Elapsed;
                if (remaining <= TimeSpan.Zero)
                {
                    break;
                }
                await Task.Delay(delay < remaining ? delay : remaining, deadline.Token).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(MaxPollDelay.Ticks, delay.Ticks * 2));
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The timeout fired mid-request or mid-delay.
        }
        throw new TimeoutException($"Run {runId} did not end within {timeout}; last status {last?.Status.ToString() ?? "unknown"}.");
    }

    private static bool IsTransient(Exception e) => e switch
    {
        HttpRequestException => true,
        MachineGridException { Status: HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout } => true,
        _ => false,
    };
}
