using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime;

namespace MachineGrid.Gateway;

/// <summary>
/// Once a second asks Orleans' management grain for the cluster's silos, activations and message counts, and turns
/// them and the grains' run counters into rates, keeping the last <see cref="HistoryLength"/> seconds for the
/// overview's charts. Storage commits are counted from the storage's meter.
/// </summary>
public sealed class StatsSampler(IGrainFactory grains, EventBroadcaster broadcaster, StorageDescription storage, TimeProvider time)
    : BackgroundService
{
    /// <summary>Seconds of history kept.</summary>
    public const int HistoryLength = 300;

    /// <summary>How often a sample is taken.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private const string CommitInstrument = "machinegrid.storage.commit.duration";
    private readonly Lock gate = new();
    private readonly StatsSample[] history = new StatsSample[HistoryLength];
    private readonly Dictionary<SiloAddress, long> lastMessages = [];
    private int count;
    private int next;
    private (DateTimeOffset At, long Commits, double CommitMilliseconds)? lastTotals;
    private RunActivity? lastRuns;
    private IReadOnlyList<GrainTypeStats> grainTypes = [];
    private IReadOnlyList<SiloStats> silos = [];
    private long commits;
    private double commitMilliseconds;
    private double maxCommitMilliseconds;

    /// <summary>The statistics now, with the history when asked.</summary>
    public GridStats Current(bool withHistory)
    {
        lock (gate)
        {
            var latest = count == 0 ? null : history[(next + HistoryLength - 1) % HistoryLength];
            var samples = withHistory ? Enumerable.Range(0, count).Select(i => history[(next - count + i + HistoryLength) % HistoryLength]).ToList() : [];
            return new GridStats(silos, grainTypes, latest, samples);
        }
    }

    /// <summary>Takes a sample now: the rates since the previous one.</summary>
    public async Task SampleAsync()
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetDetailedHosts(onlyActive: true);
        var addresses = hosts.Select(h => h.SiloAddress).ToArray();
        var runtime = await management.GetRuntimeStatistics(addresses);
        var types = await management.GetSimpleGrainStatistics(addresses);
        var now = time.GetUtcNow();
        var runs = await grains.GetGrain<IGridEventsHubGrain>("environment").Activity();
        lock (gate)
        {
            var seconds = lastTotals is { } previous ? Math.Max(0.001, (now - previous.At).TotalSeconds) : 1;
            var siloRows = new List<SiloStats>(hosts.Length);
            double callsPerSecond = 0;
            for (var i = 0; i < hosts.Length; i++)
            {
                var host = hosts[i];
                var stats = runtime[i];
                var rate = lastMessages.TryGetValue(host.SiloAddress, out var before) ? Rate(stats.ReceivedMessages - before, seconds) : 0;
                lastMessages[host.SiloAddress] = stats.ReceivedMessages;
                callsPerSecond += rate;
                var startedAt = new DateTimeOffset(DateTime.SpecifyKind(host.StartTime, DateTimeKind.Utc));
                siloRows.Add(new SiloStats(host.SiloName, [host.SiloAddress.ToString()], host.Status.ToString(), storage.Text, startedAt,
                    Math.Round(Math.Max(0, (now - startedAt).TotalSeconds)), stats.ActivationCount, rate, broadcaster.Count));
            }
            silos = siloRows;
            grainTypes = [.. types.GroupBy(t => ShortName(t.GrainType)).Select(g => new GrainTypeStats(g.Key, g.Sum(t => t.ActivationCount), 0)).OrderBy(t => t.GrainType, StringComparer.Ordinal)];
            if (lastTotals is { } last && lastRuns is { } runsBefore)
            {
                var assigned = runs.Assigned - runsBefore.Assigned;
                var committed = commits - last.Commits;
                history[next] = new StatsSample(
                    now,
                    Rate(runs.Submitted - runsBefore.Submitted, seconds),
                    Rate(assigned, seconds),
                    Rate(runs.Started - runsBefore.Started, seconds),
                    Rate(runs.Ended - runsBefore.Ended, seconds),
                    assigned > 0 ? Math.Round((runs.AssignmentLatency - runsBefore.AssignmentLatency).TotalMilliseconds / assigned, 2) : null,
                    Math.Round(runs.MaxAssignmentLatency.TotalMilliseconds, 2),
                    Math.Round(callsPerSecond, 1),
                    siloRows.Sum(s => s.Activations),
                    Rate(committed, seconds),
                    committed > 0 ? Math.Round((commitMilliseconds - last.CommitMilliseconds) / committed, 2) : null,
                    Math.Round(maxCommitMilliseconds, 2));
                next = (next + 1) % HistoryLength;
                count = Math.Min(count + 1, HistoryLength);
            }
            lastTotals = (now, commits, commitMilliseconds);
            lastRuns = runs;
            maxCommitMilliseconds = 0;
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == CommitInstrument)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, milliseconds, _, _) =>
        {
            lock (gate)
            {
                commits++;
                commitMilliseconds += milliseconds;
                maxCommitMilliseconds = Math.Max(maxCommitMilliseconds, milliseconds);
            }
        });
        listener.Start();
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            do
            {
                try
                {
                    await SampleAsync();
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The cluster may be starting or changing; the next second tries again.
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// "machinegroup" for Orleans' "MachineGrid.Grains.MachineGroupGrain,MachineGrid.Grains": the class name without
    /// assembly, generic arguments, namespace or "Grain" suffix.
    /// </summary>
    private static string ShortName(string grainType)
    {
        var end = grainType.IndexOfAny([',', '[', '`']);
        var fullName = end < 0 ? grainType : grainType[..end];
        var name = fullName[(fullName.LastIndexOfAny(['.', '+']) + 1)..];
        name = name.EndsWith("Grain", StringComparison.Ordinal) && name.Length > 5 ? name[..^5] : name;
        return name.ToLowerInvariant();
    }

    private static double Rate(long delta, double seconds) => Math.Round(delta / seconds, 1);
}
