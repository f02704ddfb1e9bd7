using MachineGrid.Runtime.Diagnostics;
using MachineGrid.Runtime.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MachineGrid.Gateway;

/// <summary>
/// Once a second turns the runtime's and the grains' cumulative counters into rates, keeping the last
/// <see cref="HistoryLength"/> seconds for the overview's charts.
/// </summary>
public sealed class StatsSampler(
    RuntimeStatistics runtime,
    GridEvents events,
    EventBroadcaster broadcaster,
    IServer server,
    IOptions<RuntimeOptions> options,
    TimeProvider time) : BackgroundService
{
    /// <summary>Seconds of history kept.</summary>
    public const int HistoryLength = 300;

    /// <summary>How often a sample is taken.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private static readonly string SiloName = $"{Environment.MachineName}/{Environment.ProcessId}";
    private readonly Lock gate = new();
    private readonly StatsSample[] history = new StatsSample[HistoryLength];
    private readonly Dictionary<string, long> lastCalls = new(StringComparer.Ordinal);
    private int count;
    private int next;
    private RuntimeCounters? lastRuntime;
    private RunActivity? lastRuns;
    private IReadOnlyList<GrainTypeStats> grainTypes = [];

    /// <summary>The statistics now, with the history when asked.</summary>
    public GridStats Current(bool withHistory)
    {
        lock (gate)
        {
            var latest = count == 0 ? null : history[(next + HistoryLength - 1) % HistoryLength];
            var samples = withHistory ? Enumerable.Range(0, count).Select(i => history[(next - count + i + HistoryLength) % HistoryLength]).ToList() : [];
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
            var silo = new SiloStats(SiloName, addresses, options.Value.StorageDescription, runtime.StartedAt,
                Math.Round((time.GetUtcNow() - runtime.StartedAt).TotalSeconds), latest?.Activations ?? 0, latest?.CallsPerSecond ?? 0, broadcaster.Count);
            return new GridStats([silo], grainTypes, latest, samples);
        }
    }

    /// <summary>Takes a sample now: the rates since the previous one.</summary>
    public void Sample()
    {
        var counters = runtime.Snapshot();
        var runs = events.Activity();
        lock (gate)
        {
            if (lastRuntime is { } before && lastRuns is { } runsBefore)
            {
                var seconds = Math.Max(0.001, (counters.At - before.At).TotalSeconds);
                var assigned = runs.Assigned - runsBefore.Assigned;
                var commits = counters.StorageCommits - before.StorageCommits;
                var sample = new StatsSample(
                    counters.At,
                    Rate(runs.Submitted - runsBefore.Submitted, seconds),
                    Rate(assigned, seconds),
                    Rate(runs.Started - runsBefore.Started, seconds),
                    Rate(runs.Ended - runsBefore.Ended, seconds),
                    assigned > 0 ? Math.Round((runs.AssignmentLatency - runsBefore.AssignmentLatency).TotalMilliseconds / assigned, 2) : null,
                    Math.Round(runs.MaxAssignmentLatency.TotalMilliseconds, 2),
                    Rate(counters.Calls - before.Calls, seconds),
                    counters.Activations,
                    Rate(commits, seconds),
                    commits > 0 ? Math.Round((counters.StorageCommitMilliseconds - before.StorageCommitMilliseconds) / commits, 2) : null,
                    Math.Round(counters.MaxStorageCommitMilliseconds, 2));
                history[next] = sample;
                next = (next + 1) % HistoryLength;
                count = Math.Min(count + 1, HistoryLength);
                grainTypes = [.. counters.GrainTypes.Select(t => new GrainTypeStats(t.GrainType, t.Activations, Rate(t.Calls - lastCalls.GetValueOrDefault(t.GrainType), seconds)))];
            }
            foreach (var type in counters.GrainTypes)
            {
                lastCalls[type.GrainType] = type.Calls;
            }
            lastRuntime = counters;
            lastRuns = runs;
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Sample();
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Sample();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static double Rate(long delta, double seconds) => Math.Round(delta / seconds, 1);
}
