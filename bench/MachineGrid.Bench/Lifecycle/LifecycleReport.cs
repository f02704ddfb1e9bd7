using System.Text.Json;

namespace MachineGrid.Bench.Lifecycle;

/// <summary>Prints a phase's human summary and, last, its one-line JSON result.</summary>
public static class LifecycleReport
{
    /// <summary>Prints the summary and the JSON line of the measured tickets [from, from + count).</summary>
    public static void Print(string scenario, LifecycleOptions options, string storage, RunTracker tracker, int from, int count, TimeSpan wall, string probe,
        IReadOnlyDictionary<string, object>? extra = null)
    {
        var assign = Percentiles.Of(tracker.AssignLatencies(from, count));
        var submit = Percentiles.Of(tracker.SubmitLatencies(from, count));
        var start = Percentiles.Of(tracker.StartLatencies(from, count));
        var complete = Percentiles.Of(tracker.CompleteLatencies(from, count));
        var firstWave = tracker.FirstWaveLatencies(from, count);
        var handoffs = tracker.HandoffLatencies(from, count);
        var placed = Percentiles.Of(firstWave);
        var handoff = Percentiles.Of(handoffs);
        var perSecond = count / wall.TotalSeconds;
        var peakRss = RuntimeProbe.PeakRssMb();
        Console.WriteLine();
        Console.WriteLine($"{scenario}: {options.Mode} on {storage}");
        Console.WriteLine($"  fleet      {options.Groups} group(s) x {options.MachinesPerGroup} machines x {options.Sessions} session(s); {(scenario == "burst" ? "all submitted at once" : $"{options.Concurrency} lifecycles in flight")}; {(options.FlowMs > 0 ? $"each flow runs {options.FlowMs} ms" : "flows complete at once")}");
        Console.WriteLine($"  runs       {count:N0} in {wall.TotalSeconds:F2} s = {perSecond:N0} lifecycles/s (after {options.Warmup:N0} warm-up)");
        Console.WriteLine($"  assign     {assign}   (submit -> agent has the assignment)");
        Console.WriteLine($"  free slot  {placed}   ({firstWave.Length:N0} runs that found a free machine: submit -> agent has it)");
        Console.WriteLine($"  handoff    {handoff}   ({handoffs.Length:N0} runs that waited: agent reports completion -> agent has the next run)");
        var (during, after) = tracker.HandoffsBySubmissions(from, count);
        Console.WriteLine($"             while submit calls were still being answered: {during.Length:N0}, p99 {Percentiles.Of(during).P99:F2} ms; after: {after.Length:N0}, p99 {Percentiles.Of(after).P99:F2} ms");
        Console.WriteLine($"  submit     {submit}   (submit call)");
        Console.WriteLine($"  start      {start}   (agent's start call)");
        Console.WriteLine($"  complete   {complete}   (agent's complete call)");
        Console.WriteLine(probe);
        Console.WriteLine($"  peak RSS   {peakRss:F0} MiB");
        var result = new Dictionary<string, object>
        {
            ["scenario"] = scenario,
            ["mode"] = options.Mode,
            ["storage"] = options.Storage,
            ["runs"] = count,
        };
        if (scenario == "burst")
        {
            result["machines"] = options.MachinesPerGroup;
            result["sessions"] = options.Sessions;
        }
        result["seconds"] = Math.Round(wall.TotalSeconds, 3);
        result["runsPerSecond"] = Math.Round(perSecond, 1);
        result["assignP50Ms"] = Math.Round(assign.P50, 3);
        result["assignP99Ms"] = Math.Round(assign.P99, 3);
        result["freeSlotP99Ms"] = Math.Round(placed.P99, 3);
        result["handoffP50Ms"] = Math.Round(handoff.P50, 3);
        result["handoffP99Ms"] = Math.Round(handoff.P99, 3);
        result["peakRssMb"] = Math.Round(peakRss, 1);
        foreach (var (key, value) in extra ?? new Dictionary<string, object>())
        {
            result[key] = value;
        }
        Console.WriteLine(JsonSerializer.Serialize(result));
    }
}
