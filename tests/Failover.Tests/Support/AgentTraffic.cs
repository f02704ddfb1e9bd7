using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;

namespace MachineGrid.Failover.Tests;

/// <summary>
/// What one machine's agent was told, seen from the machine's side of the wire: each assignment it received and each start
/// the gateway acknowledged, in the order they arrived.
/// </summary>
internal sealed class AgentTraffic(string machineId) : DelegatingHandler
{
    private readonly ConcurrentQueue<AgentEvent> assignments = new();
    private readonly ConcurrentQueue<AgentEvent> starts = new();
    private readonly ConcurrentQueue<string> exchanges = new();

    public string MachineId { get; } = machineId;

    /// <summary>Runs handed to this machine by the long-poll, in arrival order.</summary>
    public IReadOnlyList<AgentEvent> Assignments => [.. assignments];

    /// <summary>Runs whose start the gateway acknowledged with a 2xx, in arrival order.</summary>
    public IReadOnlyList<AgentEvent> Starts => [.. starts];

    /// <summary>Every request with its outcome, as lines for a failure message.</summary>
    public IReadOnlyList<string> Exchanges => [.. exchanges];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var sent = DateTimeOffset.UtcNow;
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
        }
        catch (Exception e)
        {
            exchanges.Enqueue($"{sent:HH:mm:ss.fff}-{DateTimeOffset.UtcNow:HH:mm:ss.fff} {request.Method} {request.RequestUri}: {e.GetType().Name} {e.Message}");
            throw;
        }
        var problem = "";
        if (!response.IsSuccessStatusCode)
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            problem = " " + await response.Content.ReadAsStringAsync(cancellationToken);
        }
        exchanges.Enqueue($"{sent:HH:mm:ss.fff}-{DateTimeOffset.UtcNow:HH:mm:ss.fff} {request.Method} {request.RequestUri}: {(int)response.StatusCode}{problem}");
        var path = request.RequestUri!.AbsolutePath;
        if (!response.IsSuccessStatusCode)
        {
            return response;
        }
        if (request.Method == HttpMethod.Get && path.EndsWith("/agent/assignments", StringComparison.Ordinal) && response.StatusCode != System.Net.HttpStatusCode.NoContent)
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            var assignment = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            assignments.Enqueue(new AgentEvent(assignment.GetProperty("runId").GetString()!, MachineId, DateTimeOffset.UtcNow));
        }
        else if (request.Method == HttpMethod.Post && path.EndsWith("/start", StringComparison.Ordinal))
        {
            var segments = path.Split('/');
            starts.Enqueue(new AgentEvent(Uri.UnescapeDataString(segments[^2]), MachineId, DateTimeOffset.UtcNow));
        }
        return response;
    }
}

/// <summary>A run that reached a machine (an assignment, or an acknowledged start) at a moment.</summary>
internal sealed record AgentEvent(string RunId, string MachineId, DateTimeOffset At);
