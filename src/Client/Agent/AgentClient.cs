namespace MachineGrid.Client;

/// <summary>
/// The agent side of the API (<c>/api/v1/agent/...</c>) for one machine key: heartbeat, long-poll assignments,
/// start and complete runs, report credential failures. Thread-safe.
/// </summary>
public sealed class AgentClient : IDisposable
{
    private const string MachineKeyPrefix = "mk.";
    private const int MaxWaitSeconds = 60;
    private readonly GatewayTransport transport;

    /// <summary>The long-poll's URL for each wait in seconds, made on first use: an agent sends one for every run.</summary>
    private readonly Uri?[] assignmentsUris = new Uri?[MaxWaitSeconds + 1];

    /// <summary>Uses <paramref name="httpClient"/>, whose <see cref="HttpClient.BaseAddress"/> is the gateway's root URL. The caller keeps ownership of it, so many machines can share one.</summary>
    /// <param name="httpClient">The client to send requests with. Its timeout must exceed the long-poll wait.</param>
    /// <param name="machineKey">The machine key returned at registration.</param>
    public AgentClient(HttpClient httpClient, string machineKey)
    {
        transport = new GatewayTransport(httpClient, machineKey, ownsHttp: false);
        MachineId = MachineIdOf(machineKey);
    }

    /// <summary>Creates its own <see cref="HttpClient"/> for the gateway at <paramref name="gateway"/>; dispose the client to release it.</summary>
    public AgentClient(Uri gateway, string machineKey)
    {
        transport = new GatewayTransport(GatewayTransport.CreateHttpClient(gateway), machineKey, ownsHttp: true);
        MachineId = MachineIdOf(machineKey);
    }

    /// <summary>The machine id read from the key (<c>mk.&lt;machineId&gt;.&lt;secret&gt;</c>); null when the key has another form.</summary>
    public string? MachineId { get; }

    /// <summary>Reports the agent alive with its signed-in sessions; marks the machine online.</summary>
    public Task HeartbeatAsync(HeartbeatRequest request, CancellationToken cancellationToken = default) =>
        transport.SendAsync(HttpMethod.Post, "agent/heartbeat", GatewayTransport.Body(request, MachineGridJsonContext.Default.HeartbeatRequest), cancellationToken);

    /// <summary>Waits up to <paramref name="wait"/> (0..60 s) for the group to assign a run to this machine; null when none arrived.</summary>
    public Task<AgentAssignment?> WaitForAssignmentAsync(TimeSpan wait, CancellationToken cancellationToken = default)
    {
        var seconds = (int)Math.Clamp(Math.Ceiling(wait.TotalSeconds), 0, MaxWaitSeconds);
        var uri = assignmentsUris[seconds] ??= transport.Resolve($"agent/assignments?waitSeconds={seconds}");
        return transport.SendForOptionalAsync(HttpMethod.Get, uri, null, MachineGridJsonContext.Default.AgentAssignment, cancellationToken);
    }

    /// <summary>Acknowledges that the agent started the assigned run (within 30 s of the assignment).</summary>
    public Task StartRunAsync(string runId, CancellationToken cancellationToken = default) =>
        transport.SendAsync(HttpMethod.Post, $"agent/runs/{PathSegment.Of(runId)}/start", null, cancellationToken);

    /// <summary>Reports how the run ended.</summary>
    public Task CompleteRunAsync(string runId, CompleteRunRequest request, CancellationToken cancellationToken = default) =>
        transport.SendAsync(HttpMethod.Post, $"agent/runs/{PathSegment.Of(runId)}/complete", GatewayTransport.Body(request, MachineGridJsonContext.Default.CompleteRunRequest), cancellationToken);

    /// <summary>Reports that a credential failed to sign in on this machine; the machine stops being a candidate for it until cleared.</summary>
    public Task ReportCredentialFailureAsync(string credentialId, string reason, CancellationToken cancellationToken = default) =>
        transport.SendAsync(
            HttpMethod.Post,
            $"agent/credentials/{PathSegment.Of(credentialId, nameof(credentialId))}/failure",
            GatewayTransport.Body(new CredentialFailureRequest(reason), MachineGridJsonContext.Default.CredentialFailureRequest),
            cancellationToken);

    /// <summary>Releases the <see cref="HttpClient"/> when this client created it.</summary>
    public void Dispose() => transport.Dispose();

    /// <summary>The machine id a machine key carries (<c>mk.&lt;machineId&gt;.&lt;secret&gt;</c>); null when the key has another form.</summary>
    public static string? MachineIdOf(string machineKey)
    {
        ArgumentNullException.ThrowIfNull(machineKey);
        if (!machineKey.StartsWith(MachineKeyPrefix, StringComparison.Ordinal))
        {
            return null;
        }
        var end = machineKey.LastIndexOf('.');
        return end > MachineKeyPrefix.Length ? machineKey[MachineKeyPrefix.Length..end] : null;
    }
}
