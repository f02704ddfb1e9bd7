using Spectre.Console;

namespace MachineGrid.Agent;

/// <summary>Formats the fleet's progress: counts, the recent completion rate and the average since the start.</summary>
public sealed class ProgressLine
{
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(5);
    private const int MaxErrorChars = 100;
    private readonly Queue<FleetSnapshot> recent = new();
    private readonly FleetSnapshot first;

    /// <summary>Starts measuring rates from <paramref name="start"/>.</summary>
    public ProgressLine(FleetSnapshot start)
    {
        first = start;
        recent.Enqueue(start);
    }

    /// <summary>Records a new snapshot for the rates.</summary>
    public void Add(FleetSnapshot snapshot)
    {
        recent.Enqueue(snapshot);
        while (recent.Count > 2 && snapshot.At - recent.Peek().At > RateWindow)
        {
            recent.Dequeue();
        }
    }

    /// <summary>Completions per second over the last few seconds.</summary>
    public double CurrentRate(FleetSnapshot now) => Rate(recent.Peek(), now);

    /// <summary>Completions per second since the start.</summary>
    public double AverageRate(FleetSnapshot now) => Rate(first, now);

    /// <summary>The progress as plain text.</summary>
    public string Plain(FleetSnapshot s) => FormattableString.Invariant(
        $"{s.At.ToLocalTime():HH:mm:ss} machines {s.Online}/{s.Machines} online | assigned {s.Assigned} | running {s.Running} | " +
        $"completed {s.Completed} (failed {s.Failed}) | {CurrentRate(s):F1}/s now, {AverageRate(s):F1}/s avg | errors {s.Errors}") +
        (s.LastError is null ? "" : $" (last: {Truncate(s.LastError)})");

    /// <summary>The progress as Spectre.Console markup.</summary>
    public string Markup(FleetSnapshot s) => FormattableString.Invariant(
        $"[bold]{s.Online}[/]/{s.Machines} online  assigned [bold]{s.Assigned}[/]  running [yellow]{s.Running}[/]  " +
        $"completed [green]{s.Completed}[/] failed [{(s.Failed > 0 ? "red" : "grey")}]{s.Failed}[/]  " +
        $"[bold]{CurrentRate(s):F1}/s[/] (avg {AverageRate(s):F1}/s)  errors [{(s.Errors > 0 ? "red" : "grey")}]{s.Errors}[/]") +
        (s.LastError is null ? "" : $"\n[grey]last error: {Spectre.Console.Markup.Escape(Truncate(s.LastError))}[/]");

    private static double Rate(FleetSnapshot from, FleetSnapshot to)
    {
        var seconds = (to.At - from.At).TotalSeconds;
        return seconds <= 0 ? 0 : (to.Completed - from.Completed) / seconds;
    }

    private static string Truncate(string text) => text.Length <= MaxErrorChars ? text : text[..MaxErrorChars] + "…";
}
