using MachineGrid.Client;

namespace MachineGrid.Agent;

/// <summary>Runs the fleet simulator: provisions the machines, runs their agent loops with progress until stopped.</summary>
public static class Fleet
{
    /// <summary>Provisions and runs the fleet until <paramref name="cancellationToken"/> fires (Ctrl+C); returns the process exit code.</summary>
    public static async Task<int> RunAsync(FleetOptions options, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        using var http = CreateHttpClient(options);
        IReadOnlyList<MachineIdentity> identities;
        try
        {
            identities = await FleetSetup.ProvisionAsync(options, http, output, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is MachineGridException or InvalidOperationException or HttpRequestException or IOException)
        {
            error.WriteLine($"Setup failed: {e.Message}");
            return 1;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            error.WriteLine("Stopped during setup.");
            return 130;
        }

        var counters = new FleetCounters();
        var machineOptions = MachineOptions(options);
        var agents = identities.Select(identity => new AgentClient(http, identity.MachineKey)).ToList();
        try
        {
            var machines = agents.Zip(identities, (agent, identity) => new SimulatedMachine(agent, machineOptions with { Fingerprint = identity.Fingerprint, AgentInstanceId = Guid.NewGuid().ToString("N") }, counters));
            output.WriteLine($"{identities.Count} machine(s) working against {string.Join(", ", [options.Gateway, .. options.FallbackGateways])}; Ctrl+C stops.");
            using var stopProgress = new CancellationTokenSource();
            var progress = ProgressReporter.RunAsync(counters, options.LiveProgress, output, stopProgress.Token);
            await Task.WhenAll(machines.Select(machine => machine.RunAsync(cancellationToken))).ConfigureAwait(false);
            await stopProgress.CancelAsync().ConfigureAwait(false);
            await progress.ConfigureAwait(false);
            return 0;
        }
        finally
        {
            agents.ForEach(agent => agent.Dispose());
        }
    }

    /// <summary>The per-machine options the fleet options imply (the fingerprint is set per machine).</summary>
    public static SimulatedMachineOptions MachineOptions(FleetOptions options) => new()
    {
        Fingerprint = "",
        Flows = new FlowRunner(options.FlowDuration, options.Commands),
        SignedInUsers = options.SignedInUsers,
        FailingUsers = options.FailingUsers.ToHashSet(StringComparer.Ordinal),
        MaxConcurrentRuns = options.MaxConcurrentRuns,
        HeartbeatInterval = options.HeartbeatInterval,
        AssignmentWait = options.AssignmentWait,
    };

    private static HttpClient CreateHttpClient(FleetOptions options)
    {
        var sockets = new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1) };
        HttpMessageHandler handler = options.FallbackGateways.Count == 0 ? sockets : new GatewayFailoverHandler([options.Gateway, .. options.FallbackGateways], sockets);
        return new HttpClient(handler)
        {
            BaseAddress = options.Gateway,
            Timeout = options.AssignmentWait + TimeSpan.FromSeconds(30),
        };
    }
}
